export { readSecret } from './config/read-secret';
