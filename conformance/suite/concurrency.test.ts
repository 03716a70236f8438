import group from '../../spec/concurrency.ts';
import { registerGroup } from '../register.ts';

registerGroup(group);
