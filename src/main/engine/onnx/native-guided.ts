/**
 * Guided backprop on ONNX Runtime: the model extended with its reverse-mode guided
 * gradient graph (reverse/guided-graph.ts), built on first use. Declines (null) when
 * the transform has no rule for an op; the reason is kept for the caller to report.
 */
import type { Tensor4D } from '../tf';
import type { OnnxParts } from './onnx-network';
import { inputGradient, modelInput } from './ort-io';
import { extendGraph } from './proto';
import { buildGuidedGraph, tensorsToProbe } from './reverse/guided-graph';
import { createSession, floatTensor, type InferenceSession } from './runtime';

interface Built {
  session: InferenceSession;
  seed: string;
  gradient: string;
}

export class NativeGuided {
  private built: Promise<Built | null> | null = null;
  /** Why the transform declined, when it did. */
  declined: string | null = null;

  constructor(
    private readonly parts: OnnxParts,
    private readonly classes: () => number,
    private readonly probeShapes: (tensors: string[]) => Promise<Map<string, number[]>>,
  ) {}

  /** d(targets . logits)/d(input) with guided ReLUs, [B, H, W, 3]; null when declined. */
  async gradient(x: Tensor4D, targets: Float32Array): Promise<Tensor4D | null> {
    this.built ??= this.build();
    const built = await this.built;
    if (!built) return null;
    const result = await built.session.run(
      { [this.parts.input.name]: modelInput(x, this.parts.input), [built.seed]: floatTensor(targets, [x.shape[0], this.classes()]) },
      [built.gradient],
    );
    return inputGradient(result[built.gradient]!, this.parts.input);
  }

  private async build(): Promise<Built | null> {
    const { graph, input, logitsName, bytes, source, runtime, inputShape } = this.parts;
    const shapes = await this.probeShapes(tensorsToProbe(graph, input.name, logitsName));
    const [h, w, c] = inputShape;
    shapes.set(input.name, input.layout === 'NCHW' ? [c, h, w] : [h, w, c]);
    const reverse = buildGuidedGraph(graph, input.name, logitsName, shapes);
    if ('reason' in reverse) {
      this.declined = reverse.reason;
      return null;
    }
    const seedType = { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: this.classes() }] } } };
    const extended = extendGraph(bytes, { nodes: reverse.nodes, inputs: [{ name: reverse.seed, type: seedType }], outputs: [reverse.gradient] });
    try {
      const { session } = await createSession(extended, runtime, source);
      return { session, seed: reverse.seed, gradient: reverse.gradient };
    } catch (error) {
      this.declined = (error as Error).message;
      return null;
    }
  }

  release(): void {
    void this.built?.then((b) => b?.session.release()).catch(() => undefined);
    this.built = null;
  }
}
