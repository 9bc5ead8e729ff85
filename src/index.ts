import "./v8-flags.js";
import { run } from "./main.js";

await run();
