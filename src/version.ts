// The tool's version, in plans and `--version`: its own module so that `--help` loads nothing else.
export const TOOL_VERSION = '0.1.0';
