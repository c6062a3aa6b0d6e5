/**
 * The cluster view of one class: SpRAy's clusters of the maps explaining the class
 * (each image's map of its own label, and the map of the class for each image wrongly
 * predicted as it, so errors are never left out), the eigenvalues that make the number of
 * clusters a visible choice, a 2-D embedding to click through, and the images whose
 * focus is least like the class's typical map. Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { AuditKeySchema, TagsOfSchema, WireMapSchema } from './views';

const Id = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();

/** Most clusters a class can be split into: the eigenvalues shown are one more than this. */
export const MAX_CLUSTERS = 8;
/** Exemplars per cluster: its most typical images. */
export const EXEMPLARS = 6;
/** Images in the "most unusual" strip. */
export const MOST_UNUSUAL = 24;

export const ClustersRequestSchema = z.object({
  key: AuditKeySchema,
  /** A true label: clusters are of the images labelled with it. */
  label: z.string().min(1),
  /** Clusters wanted; absent, the eigengap's suggestion. */
  k: z.number().int().min(1).max(MAX_CLUSTERS).optional(),
});
export type ClustersRequest = z.infer<typeof ClustersRequestSchema>;

/** Why an image is among a class's maps: labelled with it, or predicted as it while labelled otherwise. */
export const ClusterRoleSchema = z.enum(['label', 'predicted']);
export type ClusterRole = z.infer<typeof ClusterRoleSchema>;

/** An image shown as a thumbnail, with the map of the class that was clustered. */
export const ClusterImageSchema = z.object({
  imageId: Id,
  contentId: Id,
  path: z.string(),
  correct: z.boolean(),
  role: ClusterRoleSchema,
  /** The true label: another class's for a `predicted` member. */
  label: z.string(),
  map: WireMapSchema,
});
export type ClusterImage = z.infer<typeof ClusterImageSchema>;

export const ClusterSchema = z.object({
  /** 0 is the largest cluster. */
  index: Count,
  size: Count,
  /** Share of the cluster's images the model predicts as their label. */
  accuracy: z.number().min(0).max(1),
  /** Members labelled with the class. */
  labelled: Count,
  /** Members predicted as the class while labelled otherwise: errors, by their map of this class. */
  misclassified: Count,
  /** Mean of the members' unit-mass maps. */
  meanMap: WireMapSchema,
  /** The members nearest the mean map, most typical first. */
  exemplars: z.array(ClusterImageSchema).max(EXEMPLARS),
  /** Every member, so one click tags the whole cluster. */
  contentIds: z.array(Id),
});
export type Cluster = z.infer<typeof ClusterSchema>;

/** One image in the spectral embedding. */
export const ClusterPointSchema = z.object({
  imageId: Id,
  path: z.string(),
  x: z.number(),
  y: z.number(),
  cluster: Count,
  correct: z.boolean(),
  role: ClusterRoleSchema,
  /** Distance of the image's map to the class's mean map. */
  unusual: z.number().nonnegative(),
});
export type ClusterPoint = z.infer<typeof ClusterPointSchema>;

export const ClassClustersSchema = z.object({
  label: z.string(),
  /** Images of the class in the dataset; those without a map of their label are not clustered. */
  images: Count,
  /** Clustered members labelled with the class, and members predicted as it while labelled otherwise. */
  labelled: Count,
  misclassified: Count,
  /** Maps the affinity graph was built from: all of them, or an even sample of a large class. */
  sampled: Count,
  /** Smallest eigenvalues of the graph Laplacian, ascending: a gap after the k-th suggests k clusters. */
  eigenvalues: z.array(z.number()).max(MAX_CLUSTERS + 1),
  suggested: z.number().int().min(1),
  /** The number of clusters used: the request's k, else the suggestion. */
  chosen: z.number().int().min(1),
  /** The most clusters this class can be split into (fewer for a tiny class). */
  maxK: z.number().int().min(1).max(MAX_CLUSTERS),
  clusters: z.array(ClusterSchema),
  points: z.array(ClusterPointSchema),
  /** The class's images whose focus is furthest from its typical map, strangest first. */
  mostUnusual: z.array(ClusterImageSchema.extend({ unusual: z.number().nonnegative(), cluster: Count })).max(MOST_UNUSUAL),
  /** Tags of the class's images that have any, read at the call (the rest is cached). */
  tagged: TagsOfSchema,
});
export type ClassClusters = z.infer<typeof ClassClustersSchema>;
