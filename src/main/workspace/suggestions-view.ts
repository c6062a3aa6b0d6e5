/**
 * Spurious-focus suggestions of an audit as the review queue reads them, and the
 * checks on the rules a user sets.
 */
import type { SpuriousRules, Suggestion, SuggestionList } from '../../shared/suggestions';
import { judgeFocus } from '../analysis/suggestions';
import type { FocusRow, GridScope, Store } from '../store';

/** The audited images the rules suggest, undecided first, then by spurious mass; the first `limit` of them. */
export function suggestionList(rows: readonly FocusRow[], rules: SpuriousRules, limit = Infinity): SuggestionList {
  const items: Suggestion[] = [];
  for (const row of rows) {
    const judged = judgeFocus(row.masses, rules);
    if (judged.reason === null || judged.region === null) continue;
    items.push({
      imageId: row.imageId,
      contentId: row.contentId,
      path: row.path,
      label: row.label,
      predicted: row.predicted,
      spuriousMass: judged.spurious,
      evidenceMass: judged.evidence,
      region: judged.region,
      reason: judged.reason,
      decision: row.decision,
    });
  }
  items.sort((a, b) => Number(a.decision !== null) - Number(b.decision !== null) || b.spuriousMass - a.spuriousMass || a.path.localeCompare(b.path));
  const count = (decision: Suggestion['decision']) => items.filter((item) => item.decision === decision).length;
  return {
    rules,
    items: items.slice(0, limit),
    total: items.length,
    audited: rows.length,
    pending: count(null),
    accepted: count('accepted'),
    rejected: count('rejected'),
  };
}

/** The suggestions of an audit; of some contents only when given (a decision reads just its images). */
export function suggestionsOf(store: Store, scope: GridScope, options: { contentIds?: readonly number[]; limit?: number } = {}): SuggestionList {
  const rules = store.spuriousRules(scope.datasetId);
  const rows = scope.setId < 0 ? [] : store.focusRows(scope, [...rules.spurious, ...rules.evidence], options.contentIds);
  return suggestionList(rows, rules, options.limit);
}
