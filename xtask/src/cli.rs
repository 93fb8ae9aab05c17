//! Each task's arguments, parsed with clap: `cargo xtask TASK --help` prints the task's flags.

use clap::error::ErrorKind;
use clap::Parser;

/// Parses `args` (what follows `cargo xtask TASK`) as `T`. `--help` prints the task's help and
/// exits 0; a mistake is one line, naming the task's `--help`.
pub fn parse<T: Parser>(task: &str, args: &[String]) -> Result<T, String> {
    let argv = std::iter::once(format!("cargo xtask {task}")).chain(args.iter().cloned());
    match T::try_parse_from(argv) {
        Ok(parsed) => Ok(parsed),
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            use std::io::Write;
            let _ = write!(std::io::stdout(), "{e}");
            std::process::exit(0)
        }
        Err(e) => Err(one_line(&e.to_string(), task)),
    }
}

/// clap's message without its usage block, on one line.
fn one_line(rendered: &str, task: &str) -> String {
    let message: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty() && !l.starts_with("tip:"))
        .collect();
    format!("{} (see cargo xtask {task} --help)", message.join(" ").trim_start_matches("error: "))
}

/// A positive whole number, for clap's `value_parser`.
pub fn positive(value: &str) -> Result<u64, String> {
    value.parse::<u64>().ok().filter(|&n| n > 0).ok_or_else(|| format!("{value:?} is not a positive whole number"))
}
