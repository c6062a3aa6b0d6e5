/**
 * One colour per cluster, told apart on a light and a dark page alike (Tableau 10,
 * minus its grey, which reads as "not a cluster"). Cluster 0 is the largest.
 */
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#edc948', '#76b7b2', '#ff9da7', '#9c755f'];

export function clusterColor(index: number): string {
  return COLORS[index % COLORS.length]!;
}

/** "Cluster 1" for cluster 0: people count from one. */
export function clusterName(index: number): string {
  return `Cluster ${index + 1}`;
}
