/** The largest size with the aspect of `image` inside `box`, whole pixels. */
export function fitSize(
  image: { width: number; height: number },
  box: { width: number; height: number },
): { width: number; height: number } {
  if (!(image.width > 0 && image.height > 0 && box.width > 0 && box.height > 0)) return { width: 0, height: 0 };
  const scale = Math.min(box.width / image.width, box.height / image.height);
  return {
    width: Math.max(1, Math.floor(image.width * scale)),
    height: Math.max(1, Math.floor(image.height * scale)),
  };
}
