import group from '../../spec/signals.ts';
import { registerGroup } from '../register.ts';

registerGroup(group);
