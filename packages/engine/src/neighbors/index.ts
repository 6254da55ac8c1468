/** `neighbors`: nearest-neighbour search and the graphs built on it (the kNN, the shared-nearest-neighbour graph). */
export { neighbors, type Neighbors, type NeighborsOptions } from "./neighbors.ts";
export { snnGraph, type SnnOptions } from "./snn.ts";
export { addEdges, modularity, type WeightedGraph } from "./graph.ts";
