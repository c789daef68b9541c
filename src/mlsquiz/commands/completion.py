"""`mlsquiz completion bash|zsh|fish`: a completion script generated from the real parser by shtab."""


def run(args, context) -> int:
    import shtab

    from .arguments import build_parser
    from . import COMMANDS

    parser = build_parser(COMMANDS)  # every command with every option: the script completes them all
    print(shtab.complete(parser, shell=args.shell), end="")
    return 0
