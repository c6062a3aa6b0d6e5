// Worker threads start without the parent's module hooks: when biascope runs from its
// TypeScript sources, register tsx here so the worker can load them too.
import { register } from 'tsx/esm/api';

register();
const { default: explainTask } = await import('./worker.ts');
export default explainTask;
