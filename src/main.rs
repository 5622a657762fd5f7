use std::process::ExitCode;

fn main() -> ExitCode {
    errtui::cli::main()
}
