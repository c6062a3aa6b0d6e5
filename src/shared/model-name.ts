/**
 * A model's short name for the UI: its folder when the file has the generic name
 * (model.json is every TensorFlow.js model; model.onnx is the usual export), else the
 * file's own name without extension (resnet50.onnx -> "resnet50").
 */
export function modelName(modelPath: string): string {
  const parts = modelPath.split(/[\\/]/).filter((p) => p !== '');
  const file = parts.at(-1) ?? 'model';
  if (/^model\.(json|onnx)$/i.test(file)) return parts.at(-2) ?? 'model';
  return file.replace(/\.(json|onnx)$/i, '');
}
