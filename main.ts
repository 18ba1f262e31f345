// Entry point Obsidian loads. It only wires things: see src/plugin/scholia-plugin.ts.
import ScholiaPlugin from "./src/plugin/scholia-plugin";

export default ScholiaPlugin;
