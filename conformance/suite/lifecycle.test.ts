import group from '../../spec/lifecycle.ts';
import { registerGroup } from '../register.ts';

registerGroup(group);
