export * from './layout';
export * from './tile-source';
export * from './virtual-grid';
