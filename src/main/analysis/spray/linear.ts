/**
 * The little linear algebra spectral clustering needs, on plain typed arrays:
 * symmetric eigen-decomposition of small dense matrices (cyclic Jacobi) and
 * orthonormalisation of a block of vectors (modified Gram-Schmidt).
 */

/** Eigenvalues (ascending) and eigenvectors (columns, as arrays) of a symmetric n x n matrix, row-major. */
export function jacobiEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array[] } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.4.1).
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  return {
    values: Float64Array.from(order, (i) => a[i * n + i]!),
    vectors: order.map((col) => Float64Array.from({ length: n }, (_, row) => v[row * n + col]!)),
  };
}

export function dot(x: Float64Array, y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * y[i]!;
  return sum;
}

/** Orthonormalises the vectors in place (modified Gram-Schmidt, twice for stability). */
export function orthonormalize(block: Float64Array[]): void {
  for (let j = 0; j < block.length; j++) {
    const x = block[j]!;
    for (let attempt = 0; ; attempt++) {
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < j; i++) {
          const q = block[i]!;
          const r = dot(q, x);
          for (let k = 0; k < x.length; k++) x[k]! -= r * q[k]!;
        }
      }
      const norm = Math.sqrt(dot(x, x));
      if (norm > 1e-10) {
        for (let k = 0; k < x.length; k++) x[k]! /= norm;
        break;
      }
      if (attempt >= 8 || j >= x.length) throw new Error(`orthonormalize: cannot find ${block.length} independent vectors of length ${x.length}`);
      // The vector fell into the span of the others: start it again from a fresh direction.
      for (let k = 0; k < x.length; k++) x[k] = Math.sin((k + 1) * (j + 2) * 0.61803 + attempt);
    }
  }
}
