import { describe, expect, it } from "vitest";
import { downloadFraction } from "../../src/plugin/download-progress";

const MB = 1024 * 1024;

describe("model download progress", () => {
  it("ignores the tiny config and tokenizer files and follows the weights", () => {
    const fraction = downloadFraction();
    expect(fraction({ file: "config.json", loaded: 700, total: 700 })).toBe(0);
    expect(fraction({ file: "onnx/model_quantized.onnx", loaded: 3 * MB, total: 30 * MB })).toBeCloseTo(0.1);
    expect(fraction({ file: "onnx/model_quantized.onnx", loaded: 15 * MB, total: 30 * MB })).toBeCloseTo(0.5);
    expect(fraction({ file: "onnx/model_quantized.onnx", loaded: 30 * MB, total: 30 * MB })).toBe(1);
  });

  it("sums the large files, so a second one lowers the bar once instead of restarting it", () => {
    const fraction = downloadFraction();
    expect(fraction({ file: "tokenizer.json", loaded: 10 * MB, total: 10 * MB })).toBe(1);
    expect(fraction({ file: "onnx/model.onnx", loaded: 0, total: 90 * MB })).toBeCloseTo(0.1);
    expect(fraction({ file: "onnx/model.onnx", loaded: 45 * MB, total: 90 * MB })).toBeCloseTo(0.55);
    expect(fraction({ file: "onnx/model.onnx", loaded: 90 * MB, total: 90 * MB })).toBe(1);
  });
});
