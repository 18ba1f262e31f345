import { Plugin } from "obsidian";

export default class ScholiaPlugin extends Plugin {
  override async onload(): Promise<void> {
    // Wired by the plugin issue.
  }
}
