/** Marker genes the worker keeps per cluster (the web shows ~10; 50 leave room for a longer table); the API's `markers(top:)` bound. */
export const MARKERS_PER_CLUSTER = 50;
