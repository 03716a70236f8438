import group from '../../spec/gateway.ts';
import { registerGroup } from '../register.ts';

registerGroup(group);
