import { describe, expect, it } from 'vitest';
import { defaultExportFolder } from '../../src/shared/exports';

describe('the Export dialog’s default folder', () => {
  it('is a folder per dataset under the exports root, never in or beside the dataset', () => {
    expect(defaultExportFolder('/home/ana/biascope-exports', '/data/xray-2024')).toBe('/home/ana/biascope-exports/xray-2024');
    expect(defaultExportFolder('/home/ana/biascope-exports/', '/data/xray-2024/')).toBe('/home/ana/biascope-exports/xray-2024');
  });

  it('names a generic folder after the one above it too', () => {
    expect(defaultExportFolder('/home/ana/biascope-exports', '/src/biascope/resources/demo/dataset')).toBe('/home/ana/biascope-exports/demo-dataset');
    expect(defaultExportFolder('/e', '/images')).toBe('/e/images');
  });

  it('keeps the separator of the machine the app runs on', () => {
    expect(defaultExportFolder('C:\\Users\\ana\\biascope-exports', 'D:\\scans\\Test')).toBe('C:\\Users\\ana\\biascope-exports\\scans-Test');
  });
});
