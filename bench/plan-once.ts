// Child process of the benchmark: planWaves on 1M names in a fresh process of the Node under
// test (the bench itself runs on the machine's Node). Prints planMillion's figures as JSON.
import { planMillion } from "./wait.js";

console.log(JSON.stringify(planMillion()));
