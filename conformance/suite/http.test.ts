import group from '../../spec/http.ts';
import { registerGroup } from '../register.ts';

registerGroup(group);
