// The demo needs the same local remote as the tests, so it lives in src/workspace.
export { createBareRemote, type BareRemote, type Files } from "../../src/workspace/bare-remote.js";
