export { freePort } from '../../src/runtime/free-port.js';
