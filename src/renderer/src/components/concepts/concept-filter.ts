/** The name the grid's filter shows for a concept's images: the concept as exports name it (`cross:0`), or its given name. */
import type { ConceptView } from '../../../../shared/concepts';

export function conceptFilterName(label: string, concept: Pick<ConceptView, 'index' | 'name'>): string {
  const id = `${label}:${concept.index}`;
  return concept.name ? `${concept.name} (${id})` : `concept ${id}`;
}
