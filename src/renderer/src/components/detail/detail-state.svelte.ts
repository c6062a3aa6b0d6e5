/**
 * What the detail view shows of one image: its record, its tags and its maps by
 * method and class. Stepping through images quickly is safe: only the reply for the
 * image asked for last is kept, and the previous image stays on screen until it comes.
 */
import type { BiascopeApi } from '../../../../shared/api';
import type { AuditKey, ImageDetail } from '../../../../shared/views';
import { ClassMapStore } from './class-map-store.svelte';
import { messageOf } from './format';
import { TagList } from './tag-list.svelte';

export class DetailState {
  detail = $state<ImageDetail | null>(null);
  maps = $state<ClassMapStore | null>(null);
  tags = $state<TagList | null>(null);
  loading = $state(false);
  /** Why the image asked for last could not be loaded. */
  error = $state<string | null>(null);
  /** The class whose map is overlaid on the large image instead of the predicted one. */
  focus = $state<string | null>(null);
  #request = 0;

  /** The predicted class, once the image is explained. */
  readonly predicted = $derived(this.detail?.top[0] ?? null);

  async load(api: BiascopeApi, key: AuditKey, imageId: number): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    this.error = null;
    try {
      const detail = await api.imageDetail({ key, imageId });
      if (request !== this.#request) return;
      this.maps?.dispose();
      this.detail = detail;
      this.maps = new ClassMapStore(api, key, detail);
      this.tags = new TagList(detail.contentId, detail.tags);
      this.focus = null;
    } catch (error) {
      if (request !== this.#request) return;
      // The previous image must not stay on screen under an error about another one.
      this.maps?.dispose();
      this.detail = null;
      this.maps = null;
      this.tags = null;
      this.error = messageOf(error);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  dispose(): void {
    this.#request++;
    this.maps?.dispose();
  }
}
