/**
 * A concept flagged as a likely shortcut, in one sentence a reviewer can quote, with the
 * numbers it rests on: "cross: 87 % of the evidence sits on concept 1 (red, top-left);
 * pasting it into ring images turns 71 % (63–78 %) of them into cross; removing it fixes
 * 36 of 48 errors: likely shortcut." Escape before use in HTML.
 */
import { colourName, type Rgb } from '../../../shared/colour-name';
import type { ConceptRate, ConceptTest } from '../../../shared/concepts';

export interface ShortcutFinding {
  /** The class whose maps the concept is part of. */
  label: string;
  concept: number;
  /** The name a person gave it, if any ("badge"). */
  name?: string | null;
  /** Its share of the class's evidence, 0..1. */
  share: number;
  /** Where it sits, in words ("top-left"). */
  where: string;
  /** Mean colour of its typical regions, when known. */
  colour?: Rgb | null;
  /** The classes whose images it was pasted into. */
  otherClasses: readonly string[];
  test: ConceptTest;
}

const whole = (x: number) => `${Math.round(x * 100)} %`;
const range = (r: ConceptRate) => `(95 % CI ${Math.round(r.low * 100)}–${Math.round(r.high * 100)} %)`;

export function conceptTitle(f: Pick<ShortcutFinding, 'concept' | 'name' | 'where' | 'colour'>): string {
  const look = [f.colour ? colourName(f.colour) : null, f.where].filter((x) => x !== null).join(', ');
  const called = f.name ? `"${f.name}" (concept ${f.concept}` : `concept ${f.concept} (`;
  return f.name ? `${called}, ${look})` : `${called}${look})`;
}

/** One sentence per concept: share, transplant, removal, and the verdict. */
export function shortcutSentence(f: ShortcutFinding): string {
  const parts = [`${f.label}: ${whole(f.share)} of the evidence sits on ${conceptTitle(f)}`];
  const { transplant, errorsFixed, errors } = f.test;
  if (transplant && transplant.n > 0) {
    const into = f.otherClasses.length === 1 ? `${f.otherClasses[0]} images` : 'images of other classes';
    parts.push(`pasting it into ${into} turns ${whole(transplant.rate)} ${range(transplant)} of ${transplant.n} into ${f.label}`);
  }
  if (errorsFixed && errorsFixed.n > 0) {
    const { errorsContaining } = f.test;
    parts.push(
      errorsFixed.n === errorsContaining
        ? `removing it fixes ${errorsFixed.hits} of ${errors} errors`
        : `removing it fixes ${errorsFixed.hits} of the ${errorsFixed.n} errors tried (${errorsContaining} of the class's ${errors} errors contain it)`,
    );
  } else if (errors === 0) {
    parts.push(`the class has no errors to fix`);
  }
  return `${parts.join('; ')}: ${f.test.shortcut ? 'likely shortcut' : 'not flagged'}.`;
}
