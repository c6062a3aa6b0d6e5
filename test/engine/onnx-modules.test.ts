/** Module paths as PyTorch names them, from both exporters' ways of writing scopes. */
import { describe, expect, it } from 'vitest';
import { parseScopes, type OnnxNode } from '../../src/main/engine/onnx/graph';
import { joinScope, scopesOf } from '../../src/main/engine/onnx/modules';

const node = (name: string, scopes: string[] | null = null): OnnxNode => ({ name, opType: 'Relu', domain: '', inputs: [], outputs: [], attributes: new Map(), scopes });

describe('module paths of ONNX nodes', () => {
  it('joins TorchScript scopes written relative to their parent', () => {
    expect(scopesOf(node('/layer4/layer4.1/relu_1/Relu'))).toEqual(['layer4', 'layer4.1', 'layer4.1.relu_1']);
    expect(scopesOf(node('/features/features.1/conv/conv.0/conv.0.0/Conv'))).toEqual([
      'features',
      'features.1',
      'features.1.conv',
      'features.1.conv.0',
      'features.1.conv.0.0',
    ]);
    expect(scopesOf(node('/Flatten'))).toEqual([]);
    expect(scopesOf(node('Relu_12'))).toEqual([]);
    expect(joinScope('layer4.1', 'relu')).toBe('layer4.1.relu');
  });

  it('reads the dynamo exporter\'s name_scopes, dropping the root and the traced op', () => {
    const scopes = parseScopes("['', 'model', 'model.blocks', 'model.blocks.0', 'model.blocks.0.0', 'model.blocks.0.0.bn1', '_native_batch_norm_legit_no_training_1']");
    expect(scopes).toEqual(['model', 'model.blocks', 'model.blocks.0', 'model.blocks.0.0', 'model.blocks.0.0.bn1']);
    expect(scopesOf(node('node_Conv_696', scopes))).toEqual(scopes);
    expect(parseScopes("['', 'model', 'view_1']")).toEqual(['model']);
  });
});
