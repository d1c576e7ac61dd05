// The scenario `faultline run`, `npm start` and the browser UI open when none is named.
export const DEFAULT_SCENARIO = 'raft-kv-basic';
