import group from '../../spec/prefork.ts';
import { registerGroup } from '../register.ts';

registerGroup(group);
