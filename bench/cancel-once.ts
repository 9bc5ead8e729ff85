// Child process of the benchmark: the simulated cancel of 100,000 devices in a fresh process of
// the Node under test. Prints simulatedCancel's figures as JSON.
import { simulatedCancel } from "./cancel.js";

console.log(JSON.stringify(await simulatedCancel()));
