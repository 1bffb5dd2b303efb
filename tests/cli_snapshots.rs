/*!
What a user sees, as snapshots: help, errors and every output format of
every command, one `tests/cli/NAME.trycmd` file per area (each runs in its
`NAME.in/` folder). A change in any of them fails here until the case
files are updated, so it shows up as a reviewed diff:
`TRYCMD=overwrite cargo test --test cli_snapshots` rewrites them.

Outputs are kept deterministic: timings are matched by `[..]`, no
absolute path is printed, colour is off and the help is wrapped at a
fixed width. trycmd shows every backslash as `/` (it normalizes path
separators), so a JSON `\n` reads `/n` in the cases.
*/

#[test]
fn cli_snapshots() {
    trycmd::TestCases::new()
        .register_bin("zhtidy", std::path::Path::new(env!("CARGO_BIN_EXE_zhtidy")))
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .case("tests/cli/*.trycmd");
}
