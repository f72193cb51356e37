// Entry point of the `fulfill` command (bin/fulfill.js and `npm run fulfill -- …`).
import { main } from './main.js';

process.exitCode = await main(process.argv);
