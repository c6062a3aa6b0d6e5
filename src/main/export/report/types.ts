/**
 * The audit report as data: everything the HTML shows, plain and JSON-able (images
 * are data: URIs), so the app and the command line build it the same way and a test
 * can check facts without parsing HTML.
 */
import type { ShortcutFinding } from './shortcut-text';
import type { CellSummary, RebalanceAction, RebalancePolicy } from '../../analysis/rebalance';
import type { SubgroupRow } from '../../analysis/subgroups';
import type { Headline } from '../../analysis/headline';
import type { TrustReport } from '../../analysis/trust-check';
import type { ModelCard } from './model-card';

/** Regions that should not decide a class, regions that should, and the share of a map that counts as focus. */
export type { SpuriousRules } from '../../../shared/suggestions';
import type { SpuriousRules } from '../../../shared/suggestions';

export interface ReportOptions {
  /** The report's title; default "Bias audit report: <dataset folder name>". */
  title?: string;
  /** A model-card file (.json or .md); absent: model-card.json or .md beside the model, when there. */
  modelCard?: string;
  /** Manifest attribute whose groups the subgroup tables and the rebalancing summary use; clusters when absent. */
  groupBy?: string;
  policy?: RebalancePolicy;
  /** null: no spurious region named, the examples shown are each class's most unusual maps. */
  spurious: SpuriousRules | null;
  /** The trust checks, when the caller ran them (they run the model: seconds). */
  trust?: TrustReport | null;
  /** The concepts' causal tests, when the audit described its maps and the caller ran (or read) them. */
  shortcuts?: ShortcutSummary | null;
  /** The backend that computed the audit, when the caller knows it; else the one its jobs recorded. */
  backend?: string;
  /** Examples shown per class (default 12) and thumbnails per tag (default 12). */
  examples?: number;
  tagImages?: number;
  /** Long side of the embedded thumbnails, in pixels (default 96). */
  thumbnail?: number;
}

/** One embedded picture: the image with a heatmap over it. */
export interface Thumb {
  path: string;
  /** data:image/webp;base64,... */
  src: string;
  label: string;
  predicted: string | null;
  prob: number | null;
  /** The number the picture was chosen by (spurious mass or unusualness), when any. */
  score?: number;
}

export interface ClusterCard {
  cluster: number;
  size: number;
  accuracy: number;
  /** The cluster's mean map over the mean of its exemplars (the pictures alone when the map is flat). */
  meanMap: string;
  /** The mean map is (nearly) uniform: its maps are empty, nothing in the images speaks for the class. */
  flat: boolean;
  /** Members labelled otherwise and predicted as the class. */
  misclassified: number;
  exemplars: Thumb[];
}

export interface ClassSection {
  label: string;
  images: number;
  audited: number;
  correct: number;
  /** Share of audited images predicted as their label; null when none is audited. */
  accuracy: number | null;
  clusters: ClusterCard[];
  eigenvalues: number[];
  suggested: number;
  /** The class's images the clustering saw (those with a stored map of their own class). */
  clustered: number;
  /** Images labelled otherwise and predicted as the class, clustered with it by their map of it. */
  misclassified: number;
  /** How `examples` were chosen. */
  examplesBy: 'spurious' | 'unusual';
  examples: Thumb[];
  /** Audited images whose spurious mass is at least the threshold; null without spurious regions. */
  spuriousImages: number | null;
  subgroupsBy: string;
  subgroups: SubgroupRow[];
}

export interface TagSection {
  tag: string;
  images: number;
  shown: Thumb[];
}

export interface SpuriousFinding {
  label: string;
  images: number;
  audited: number;
  share: number;
}

export interface ClusterFinding {
  label: string;
  cluster: number;
  size: number;
  accuracy: number;
}

/** Images of a class (in a split) on each region, by the one rule of shared/region-focus. */
export interface OnRegionCounts {
  label: string;
  split: string | null;
  audited: number;
  regions: { region: string; images: number }[];
}

export const CONCLUSION_KINDS = ['rebalance', 'relabel', 'collect', 'check'] as const;

/** One recommendation, plain text, with the figures it rests on. */
export interface Conclusion {
  kind: (typeof CONCLUSION_KINDS)[number];
  text: string;
}

export interface ReportData {
  title: string;
  generatedAt: string;
  version: string;
  dataset: {
    root: string;
    name: string;
    images: number;
    classes: { name: string; images: number }[];
    /** sha256 over the sorted content hashes of the present images, one per line. */
    hash: string;
    attributes: string[];
    regions: string[];
    problems: number;
  };
  model: {
    path: string;
    hash: string;
    classes: string[];
    layer: string;
    method: string;
    backend: string | null;
    /** Which targets the audit explained, and when, from its job; null when no job of this audit is recorded. */
    job: { targets: string; status: string; startedAt: string; finishedAt: string | null } | null;
    /** Model-card fields, when a card was found or named. */
    card: ModelCard | null;
  };
  settings: {
    groupBy: string | null;
    policy: RebalancePolicy;
    spurious: SpuriousRules | null;
    /** Regions shown as columns in the subgroup tables. */
    massRegions: string[];
    clusterGrid: number;
  };
  /** Page 1: per class (and split) the largest accuracy gaps and the spurious-focus shares, with 95 % intervals. */
  headline: Headline;
  onRegion: OnRegionCounts[];
  conclusions: Conclusion[];
  findings: {
    shortCells: CellSummary[];
    spurious: SpuriousFinding[];
    /** Clusters the model gets mostly wrong: where SpRAy points. */
    weakClusters: ClusterFinding[];
  };
  classes: ClassSection[];
  tags: TagSection[];
  /** The user's notes on the dataset, plain text; empty when none. */
  notes: string;
  rebalance: { groupBy: string; policy: RebalancePolicy; summary: CellSummary[]; actions: { label: string; counts: Record<RebalanceAction, number> }[] } | null;
  trust: TrustReport | null;
  /** Concepts found without regions and tested; null when the audit has no concepts. */
  shortcuts: ShortcutSummary | null;
}

/** What the causal tests of an audit's concepts found, for page 1. */
export interface ShortcutSummary {
  /** Concepts tested, over every class. */
  tested: number;
  /** The ones flagged as likely shortcuts, each with what its sentence needs. */
  flagged: ShortcutFinding[];
}
