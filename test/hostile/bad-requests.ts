/**
 * Hostile and mistaken calls of the contract, one row each, made against a real back
 * end with an audited dataset. bad-requests.test.ts sends each through `dispatch` (what
 * every transport calls) and, for the size and depth rows, through `biascope serve`'s
 * HTTP route: each gets a specific error kind and message, never "internal".
 */
import type { ErrorKind } from '../../src/shared/errors';
import type { AuditKey } from '../../src/shared/views';

export interface RequestContext {
  key: AuditKey;
  datasetId: number;
}

export interface BadRequest {
  name: string;
  method: string;
  args(context: RequestContext): unknown[];
  kind: ErrorKind;
  message: RegExp;
}

const UNKNOWN = 987_654;

export const BAD_REQUESTS: BadRequest[] = [
  {
    name: 'subgroups by an attribute named "constructor"',
    method: 'subgroups',
    args: ({ key }) => [{ key, groupBy: 'constructor' }],
    kind: 'invalid-input',
    message: /no image has the attribute "constructor"/,
  },
  {
    name: 'subgroups by "__proto__"',
    method: 'subgroups',
    args: ({ key }) => [{ key, groupBy: '__proto__' }],
    kind: 'invalid-input',
    message: /no image has the attribute "__proto__"/,
  },
  {
    name: 'tags on content ids the dataset does not hold',
    method: 'setTags',
    args: ({ datasetId }) => [{ datasetId, contentIds: [UNKNOWN], add: ['face'], remove: [] }],
    kind: 'not-found',
    message: /no image of dataset \d+ has content id 987654: nothing was tagged/,
  },
  {
    name: 'decisions on content ids the dataset does not hold',
    method: 'decideSuggestions',
    args: ({ key }) => [{ key, contentIds: [UNKNOWN], decision: 'accepted' }],
    kind: 'invalid-input',
    message: /not suggested under the current rules: content 987654/,
  },
  {
    name: 'an image id the dataset does not hold',
    method: 'imageDetail',
    args: ({ key }) => [{ key, imageId: UNKNOWN }],
    kind: 'not-found',
    message: /987654/,
  },
  {
    name: 'a tag change on a dataset that does not exist',
    method: 'setTags',
    args: () => [{ datasetId: UNKNOWN, contentIds: [1], add: ['face'], remove: [] }],
    kind: 'not-found',
    message: /dataset 987654 does not exist/,
  },
  {
    name: 'a model that does not exist in an audit key',
    method: 'classSummary',
    args: ({ key }) => [{ ...key, modelId: UNKNOWN }],
    kind: 'not-found',
    message: /model 987654 does not exist/,
  },
];
