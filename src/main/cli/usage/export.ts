/** The text of `biascope export --help`, importable without the export kinds. */
import { REBALANCE_POLICIES } from '../../analysis/rebalance';

export const EXPORT_USAGE = `Usage: biascope export rebalance --db <audit.db> --group-by <attribute> [options]
       biascope export clusters --db <audit.db> [options]
       biascope export boxes --db <audit.db> [--target predicted|label|<class>] [--masks]
       biascope export trust --db <audit.db> [--sample <n>]
       biascope export compare --db <audit.db> [--a <model.json[:layer[:method]]>] [--b <...>] [--group-by <attribute>]
           [--spurious-region <name>]... [--evidence-region <name>]... [--threshold <x>]
       biascope export report --db <audit.db> [--group-by <attribute>] [--spurious-region <name>]...
           [--evidence-region <name>]... [--threshold <x>] [--trust [--sample <n>]] [--pdf]
           [--title <text>] [--model-card <file>]

rebalance writes the rebalancing plan of a dataset, grouped by a manifest attribute (e.g. the
scrub colour of the demo): rebalance-summary.csv (label, group_by, group, count,
share, target_count, deficit), rebalance.csv (path, label, group, action, weight,
reason) and rebalance.json with both. Actions come from tags (duplicate: remove,
mislabeled: relabel, flagged or spurious:*: review), else from the weight that
balances the class's groups (upweight, downweight, keep).

clusters writes the SpRAy clusters of each class's maps (each image explained for
its own class; audit with --targets label to include misclassified images) for the
latest audit of the dataset: clusters.json (per class: eigenvalues, the suggested
number of clusters, each cluster's size, accuracy, mean map and exemplars, each
image's cluster, unusualness and 2-D embedding) and clusters.csv (one row per cluster).

boxes writes the weakly-supervised box of every image (around the largest region
of its map above 15% of the maximum, as in the Grad-CAM paper) as COCO-style
boxes.json, for the predicted class, the true label or one class; with --masks, a
binary mask per image, thresholded the same way, in masks/<image id>.png.

trust checks the latest audit's maps on an even sample of its images (default 8)
and writes trust.json: the model-randomisation sanity check (Adebayo et al. 2018:
Spearman correlation with the original maps as the weights are randomised from the
output layer down; it must fall under 0.5) and deletion and insertion curves
(Petsiuk et al. 2018) against a random order of the pixels.

report writes report.html, one self-contained file (images embedded as small
thumbnails, nothing fetched). Its first page states per class the largest accuracy
gaps between the groups of each attribute and the share of spurious-focus maps, with
95 % bootstrap confidence intervals, and the conclusions drawn from them (what to
rebalance, relabel, collect); with an attribute named split, subset or set (train,
test, ...) every figure is per split. Then the model card (model-card.json or .md
beside the model, or --model-card), the dataset, model and settings; per class its
accuracy, SpRAy clusters with mean maps, the maps most on the spurious regions (the
most unusual ones without --spurious-region) and a subgroup table; tags; the
rebalancing summary (with --group-by); the trust checks (with --trust, which runs
the model: 3 to 5 s on the demo's 8 images). Without --spurious-region or
--evidence-region, the region roles marked in the app are used. --pdf also prints
report.pdf with Chromium (Debian's chromium, or the binary BIASCOPE_CHROMIUM names).

compare sets two audits of the dataset side by side (say the model before and after
retraining on rebalanced data), by default the two latest (A the older, B the newer),
and writes compare.csv (per class, and per class and group with --group-by: each
audit's accuracy, spurious-focus share and mean mass per region, B minus A, and the
images fixed and broken) and compare.json. The spurious share needs spurious regions:
--spurious-region, or those marked in the app.

Options:
  --db <file>         the audit database (audit.db of biascope audit, or the app's library.db)
  --group-by <name>   the attribute whose values are the groups (rebalance, report)
  --clusters <n>      clusters per class instead of the eigengap's suggestion (clusters)
  --target <t>        predicted (default), label, or a class name (boxes)
  --masks             also write binary masks (boxes)
  --sample <n>        images checked (trust, report --trust; default 8)
  --spurious-region <name>  a region that should not decide a class; repeat for several (report, compare)
  --evidence-region <name>  a region that should (report, compare)
  --threshold <x>     share of a map on a region that counts as focus (report, compare; default 0.5)
  --trust             run the trust checks into the report (report)
  --pdf               also print report.pdf, tagged for screen readers (report)
  --title <text>      the report's title (report; default: "Bias audit report: <dataset folder>")
  --model-card <file> model-card fields, .json (an object of texts) or .md (a "## " heading per field) (report)
  --a, --b <model>    the audits to compare: model.json[:layer[:method]] (compare)
  --dataset <dir>     which dataset of the database (needed when it holds several)
  --policy <p>        ${REBALANCE_POLICIES.join(', ')}: equal shares within each class (default),
                      or each group's share of the whole dataset
  --out <dir>         where to write (default: the database's folder)
  -h, --help          show this help`;
