/**
 * What can be exported from an audit, for every transport alike: the app's Export
 * dialog, `biascope serve` and `biascope export <kind>`. Each kind is one entry of
 * EXPORT_KINDS below (its options, checked where they cross a boundary, and the words
 * that describe it) and one module in src/main/export/kinds. The command line derives
 * its flags and help from the options' metadata, so a new kind needs no CLI code.
 * Pure: no Node, no DOM.
 */
import { z } from 'zod';
import { AuditKeySchema } from './views';
import { DEFAULT_CONCEPT_SEED } from './concepts';

export const EXPORT_POLICIES = ['equal', 'overall'] as const;

/** A report title longer than this is not a title. */
export const TITLE_MAX = 200;

/**
 * How an option reads on the command line: `--<flag> <value>` (repeated for a list; a
 * boolean takes no value). `audit` marks an option naming another stored audit, given
 * on the command line as model[:layer[:method]].
 */
export interface OptionMeta {
  flag: string;
  help: string;
  value?: string;
  audit?: true;
}

const option = <T extends z.ZodType>(schema: T, meta: OptionMeta): T => schema.meta({ ...meta }) as T;

const Share = z.number().min(0).max(1);
const Sample = z.number().int().min(1).max(200);
const RegionNames = z.array(z.string().min(1));
/** Images one causal test of one concept edits: enough for an interval, few enough to stay seconds. */
const TestCap = z.number().int().min(1).max(10_000);

/** Region roles named for this export; with none named, the roles stored for the dataset (marked in the app) apply. */
const regionRoleOptions = {
  spurious: option(RegionNames.default([]), { flag: 'spurious-region', value: 'name', help: 'a region that should not decide a class; repeat for several (default: the roles marked in the app)' }),
  evidence: option(RegionNames.default([]), { flag: 'evidence-region', value: 'name', help: 'a region that should decide it' }),
  threshold: option(Share.optional(), { flag: 'threshold', value: 'x', help: 'share of a map on the spurious regions that counts as focus (default: the stored one, or 0.5)' }),
};

/**
 * Each kind: whether it reads an audit's results (else only the dataset: the
 * rebalancing plan comes from the manifest and the tags), its options, and its words.
 */
export const EXPORT_KINDS = {
  report: {
    needsAudit: true,
    summary: 'the audit report: report.html, and report.pdf',
    description: `writes report.html, one self-contained file (images embedded as small thumbnails,
nothing fetched). Its first page states each shortcut the concepts' causal tests flag
(an audit made with --concepts: found with no region drawn), then per class the largest accuracy gaps between
the groups of each attribute and the share of spurious-focus maps, with 95 % bootstrap
confidence intervals, and the conclusions drawn from them (what to rebalance,
relabel, collect); with an attribute named split, subset or set (train, test, ...)
every figure is per split. Then the model card (model-card.json or .md beside the
model, or --model-card), the dataset, model and settings; per class its accuracy,
SpRAy clusters with mean maps, the maps most on the spurious regions and a subgroup
table; tags; the rebalancing summary (with --group-by); the trust checks (with
--trust, which runs the model: seconds). --pdf also prints report.pdf, tagged for
screen readers (the desktop app's printer, else Debian's chromium or the binary
BIASCOPE_CHROMIUM names).`,
    options: z
      .object({
        groupBy: option(z.string().min(1).nullable().default(null), { flag: 'group-by', value: 'attribute', help: 'the attribute whose groups the subgroup tables and the rebalancing summary use (default: SpRAy clusters)' }),
        policy: option(z.enum(EXPORT_POLICIES).default('equal'), { flag: 'policy', value: 'p', help: 'equal (shares within each class) or overall (the whole dataset\'s shares), for the rebalancing summary' }),
        pdf: option(z.boolean().default(false), { flag: 'pdf', help: 'also print report.pdf' }),
        trust: option(z.boolean().default(false), { flag: 'trust', help: 'run the trust checks into the report' }),
        noConcepts: option(z.boolean().default(false), {
          flag: 'no-concepts',
          help: 'leave out the shortcuts found by the concepts\' causal tests (an audit made with --concepts; the tests run the model once, seconds a concept, then are read back)',
        }),
        sample: option(Sample.optional(), { flag: 'sample', value: 'n', help: 'images the trust checks use (default 8)' }),
        title: option(z.string().max(TITLE_MAX).optional(), { flag: 'title', value: 'text', help: 'the report\'s title (default: "Bias audit report: <dataset folder>")' }),
        modelCard: option(z.string().min(1).optional(), { flag: 'model-card', value: 'file', help: 'model-card fields: .json (an object of texts) or .md (a "## " heading per field)' }),
        ...regionRoleOptions,
      })
      .strict(),
  },
  rebalance: {
    needsAudit: false,
    summary: 'the rebalancing plan: rebalance-summary.csv, rebalance.csv, rebalance.json',
    description: `writes the rebalancing plan of a dataset, grouped by a manifest attribute (e.g. the
scrub colour of the demo): rebalance-summary.csv (label, group_by, group, count, share,
target_count, deficit), rebalance.csv (path, label, group, action, weight, reason) and
rebalance.json with both. Actions come from tags (duplicate: remove, mislabeled:
relabel, flagged or spurious:*: review), else from the weight that balances the
class's groups (upweight, downweight, keep).`,
    options: z
      .object({
        groupBy: option(z.string().min(1), { flag: 'group-by', value: 'attribute', help: 'the attribute whose groups are balanced (required)' }),
        policy: option(z.enum(EXPORT_POLICIES).default('equal'), { flag: 'policy', value: 'p', help: 'equal shares within each class (default), or each group\'s share of the whole dataset' }),
      })
      .strict(),
  },
  images: {
    needsAudit: true,
    summary: 'one row per image and every skipped file: images.csv, errors.csv',
    description: `writes images.csv (one row per image: label, prediction, confidence, the
statistics of the predicted class's map, the mass on each region, spurious focus
under the dataset's region roles) and errors.csv (every file skipped or failed, with
the stage and the reason). biascope audit writes both at its end.`,
    options: z.object({}).strict(),
  },
  clusters: {
    needsAudit: true,
    summary: 'SpRAy clusters of each class\'s maps: clusters.json, clusters.csv',
    description: `writes the SpRAy clusters of each class's maps (each image explained for its own
class; audit with --targets label to include misclassified images): clusters.json
(per class: eigenvalues, the suggested number of clusters, each cluster's size,
accuracy, mean map and exemplars, each image's cluster, unusualness and 2-D
embedding) and clusters.csv (one row per cluster).`,
    options: z
      .object({
        clusters: option(z.number().int().min(1).max(50).optional(), { flag: 'clusters', value: 'n', help: 'clusters per class instead of the eigengap\'s suggestion' }),
      })
      .strict(),
  },
  boxes: {
    needsAudit: true,
    summary: 'a weakly-supervised box per image (COCO boxes.json), and masks',
    description: `writes the weakly-supervised box of every image (around the largest region of its
map above 15 % of the maximum, as in the Grad-CAM paper) as COCO-style boxes.json,
for the predicted class, the true label or one class; with --masks, a binary mask
per image, thresholded the same way, in masks/<image id>.png.`,
    options: z
      .object({
        target: option(z.string().min(1).default('predicted'), { flag: 'target', value: 't', help: 'predicted (default), label, or a class name' }),
        masks: option(z.boolean().default(false), { flag: 'masks', help: 'also write binary masks' }),
      })
      .strict(),
  },
  trust: {
    needsAudit: true,
    summary: 'the sanity check and faithfulness curves of the maps: trust.json',
    description: `checks the audit's maps on an even sample of its images and writes trust.json: the
model-randomisation sanity check (Adebayo et al. 2018: Spearman correlation with the
original maps as the weights are randomised from the output layer down; it must fall
under 0.5) and deletion and insertion curves (Petsiuk et al. 2018) against a random
order of the pixels. Runs the model: seconds.`,
    options: z
      .object({
        sample: option(Sample.optional(), { flag: 'sample', value: 'n', help: 'images checked (default 8)' }),
      })
      .strict(),
  },
  concepts: {
    needsAudit: true,
    summary: 'what each class\'s maps look at, found without regions: concepts.csv, concepts.json',
    description: `writes the region-free concepts of an audit made with --concepts: per class, the
evidence components of its maps (each connected region above half the map's maximum,
described by the features of the layer feeding the explained one) clustered into
concepts (spherical k-means, k by silhouette). concepts.csv has one row per concept:
its share of the class's evidence, the images containing and dominated by it, where
it sits, and the accuracy of the images it dominates against the rest of the class;
concepts.json adds the 3x3 location histogram, the most typical images and each
image's dominant concept. Then each concept is tested on the model (seconds per
concept; stored, so a second export reuses them): its region removed from the images
it dominates (flips) and from the class's errors containing it (errors fixed), and
its typical regions pasted into images predicted as other classes (transplant), each
rate with a 95 % interval; a concept is flagged as a likely shortcut when removing it
fixes at least half the errors tested (5 or more), or when pasting it turns at least
half the images into the class (lower bound) and, of the images predicted as the
class, those it dominates are less often right than the rest (95 % interval above 0). The thresholds are
judgement; the numbers are in concepts.csv beside the flag.`,
    options: z
      .object({
        k: option(z.number().int().min(1).max(12).optional(), { flag: 'concepts', value: 'k', help: 'concepts per class instead of the silhouette\'s choice in 2..6' }),
        seed: option(z.number().int().min(0).default(DEFAULT_CONCEPT_SEED), { flag: 'seed', value: 'n', help: 'seed of the fit and of the tests\' samples (the same seed, the same answer)' }),
        noTests: option(z.boolean().default(false), { flag: 'no-tests', help: 'skip the causal tests (no model run)' }),
        quick: option(z.boolean().default(false), { flag: 'quick', help: 'smaller samples for the tests (25 images each instead of 100): wider intervals' }),
        flipCap: option(TestCap.optional(), { flag: 'flip-cap', value: 'n', help: 'most images a concept dominates that removal is tried on (default 100)' }),
        errorCap: option(TestCap.optional(), { flag: 'error-cap', value: 'n', help: 'most of the class\'s errors removal is tried on (default 100)' }),
        transplantCap: option(TestCap.optional(), { flag: 'transplant-cap', value: 'n', help: 'most images of other classes a concept is pasted into (default 100)' }),
      })
      .strict(),
  },
  compare: {
    needsAudit: true,
    summary: 'two audits of the dataset side by side: compare.csv, compare.json',
    description: `sets two audits of the dataset side by side (say the model before and after
retraining on rebalanced data): the exported audit is B, --a the one it is compared
against (default: the audit stored before it). Writes compare.csv (per class, and per
class and group with --group-by: each audit's accuracy, spurious-focus share and mean
mass per region, B minus A, and the images fixed and broken) and compare.json. The
spurious share needs spurious regions: --spurious-region, or those marked in the app.`,
    options: z
      .object({
        a: option(AuditKeySchema.nullable().default(null), { flag: 'a', value: 'model[:layer[:method]]', help: 'the audit compared against (A, before)', audit: true }),
        groupBy: option(z.string().min(1).nullable().default(null), { flag: 'group-by', value: 'attribute', help: 'also compare each class\'s groups of this attribute' }),
        ...regionRoleOptions,
      })
      .strict(),
  },
} as const satisfies Record<string, { needsAudit: boolean; summary: string; description: string; options: z.ZodObject }>;

export type ExportKind = keyof typeof EXPORT_KINDS;
export const EXPORT_KIND_NAMES = Object.keys(EXPORT_KINDS) as ExportKind[];

/** The options of a kind as a caller may give them (defaults may be left out)... */
export type ExportOptionsInput<K extends ExportKind> = z.input<(typeof EXPORT_KINDS)[K]['options']>;
/** ...and as the exporter receives them, defaults filled in. */
export type ExportOptions<K extends ExportKind> = z.output<(typeof EXPORT_KINDS)[K]['options']>;

export function isExportKind(value: unknown): value is ExportKind {
  return typeof value === 'string' && Object.hasOwn(EXPORT_KINDS, value);
}

/** The OptionMeta of each option of a kind, by option name. */
export function optionMetas(kind: ExportKind): [string, OptionMeta, z.ZodType][] {
  return Object.entries(EXPORT_KINDS[kind].options.shape).map(([name, schema]) => [name, (schema as z.ZodType).meta() as unknown as OptionMeta, schema as z.ZodType]);
}

/** A dataset without an audit: enough for the kinds that need none. */
export const DatasetOnlySchema = z.object({ datasetId: AuditKeySchema.shape.datasetId }).strict();

/** Whether a kind reads an audit's results. */
export const needsAudit = (kind: ExportKind): boolean => EXPORT_KINDS[kind].needsAudit;

const requestOf = <K extends ExportKind>(kind: K) =>
  z.object({
    /** The audit exported; a dataset alone for kinds that need no audit. */
    key: z.union([AuditKeySchema, DatasetOnlySchema]),
    kind: z.literal(kind),
    /** An absolute folder; created when missing. */
    dir: z.string().min(1),
    options: EXPORT_KINDS[kind].options as (typeof EXPORT_KINDS)[K]['options'],
  });

export const ExportRequestSchema = z.discriminatedUnion('kind', [
  requestOf('report'),
  requestOf('rebalance'),
  requestOf('images'),
  requestOf('clusters'),
  requestOf('boxes'),
  requestOf('trust'),
  requestOf('compare'),
  requestOf('concepts'),
]);
/** What a caller sends (options' defaults may be left out). */
export type ExportRequest = z.input<typeof ExportRequestSchema>;
/** What the application receives, checked and completed. */
export type CheckedExportRequest = z.output<typeof ExportRequestSchema>;

/** Folder names that say nothing on their own: the export is named after the folder above too. */
const GENERIC_NAMES = new Set(['data', 'dataset', 'datasets', 'images', 'imgs', 'test', 'train', 'val', 'valid', 'validation']);

/**
 * The Export dialog's folder until the user names one: `<exports root>/<dataset>`. Not
 * beside or in the dataset, which may sit in a source checkout (the demo does) or on a
 * read-only disk, and whose folder is the data, not the findings. Paths of either
 * separator: the root comes from the machine the app runs on.
 */
export function defaultExportFolder(exportsRoot: string, datasetRoot: string): string {
  const separator = exportsRoot.includes('\\') && !exportsRoot.includes('/') ? '\\' : '/';
  const parts = datasetRoot.split(/[\\/]+/).filter((part) => part !== '' && !/^[A-Za-z]:$/.test(part));
  const last = parts.at(-1) ?? 'dataset';
  const parent = parts.at(-2);
  const name = GENERIC_NAMES.has(last.toLowerCase()) && parent ? `${parent}-${last}` : last;
  return `${exportsRoot.replace(/[\\/]+$/, '')}${separator}${name}`;
}

/** The user's notes on a dataset's audit, printed in the report: plain text. */
export const NOTES_MAX = 20_000;
export const NotesSchema = z.string().max(NOTES_MAX);

export const ExportResultSchema = z.object({
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative() })),
  /** Pages of the PDF, when one was printed. */
  pages: z.number().int().positive().nullable(),
  /** What the export found, in a few lines for a person (the CLI prints them; the app may show them). */
  summary: z.array(z.string()),
  /** The first page's findings of a report, as sentences; empty for other kinds. */
  lead: z.array(z.string()),
  /**
   * True when the same export of unchanged findings was already in the folder, its files
   * untouched since: nothing was written again.
   */
  unchanged: z.boolean(),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;
