"""The one path to the screen: terminal-safe text and tables (render), colour and width (output), charts,
progress bars, and the interactive prompts of the quiz and the practice exam (prompter).

May import only the shared root modules; every command prints deck text through render.terminal_safe."""
