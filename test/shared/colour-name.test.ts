import { describe, expect, it } from 'vitest';
import { colourName, hexColour } from '../../src/shared/colour-name';

describe('colourName', () => {
  it.each([
    [[220, 30, 30], 'red'],
    [[240, 140, 20], 'orange'],
    [[230, 220, 40], 'yellow'],
    [[40, 170, 60], 'green'],
    [[30, 60, 220], 'blue'],
    [[140, 50, 200], 'purple'],
    [[235, 120, 190], 'pink'],
    [[90, 10, 10], 'dark red'],
    [[180, 200, 250], 'light blue'],
    [[128, 128, 128], 'grey'],
    [[10, 10, 10], 'black'],
    [[250, 250, 250], 'white'],
    [[120, 118, 122], 'grey'],
  ] as const)('names %j %s', (rgb, name) => {
    expect(colourName(rgb)).toBe(name);
  });
});

describe('hexColour', () => {
  it('writes two hex digits a channel, clamped and rounded', () => {
    expect(hexColour([200, 30.4, 7])).toBe('#c81e07');
    expect(hexColour([300, -4, 255])).toBe('#ff00ff');
  });
});
