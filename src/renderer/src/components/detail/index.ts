export { default as ImageDetailView } from './image-detail-view.svelte';
export { default as ClassMaps } from './class-maps.svelte';
export { ClassMapStore, type MapEntry } from './class-map-store.svelte';
export { DetailState } from './detail-state.svelte';
export { TagList, type SaveTags } from './tag-list.svelte';
