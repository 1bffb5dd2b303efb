/*!
`docs/cli.md` holds the option reference that `zhtidy
--generate-cli-reference` makes from the clap definitions, between two
markers: this test fails when they differ, so the document cannot drift
from the program. `UPDATE_CLI_REFERENCE=1 cargo test --test
cli_reference` rewrites the generated part (the rest of the page is
written by hand and left alone).
*/

mod support;

use std::process::Command;

const BEGIN: &str = "<!-- BEGIN GENERATED: zhtidy --generate-cli-reference -->\n\n# Options\n\n";
const END: &str = "\n\n<!-- END GENERATED -->\n";

#[test]
fn docs_cli_md_matches_the_program() {
    let out = Command::new(support::bin())
        .arg("--generate-cli-reference")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::utf8(&out.stderr));
    let generated = support::utf8(&out.stdout);
    let generated = generated.trim_end_matches('\n');
    assert!(generated.contains("## `zhtidy convert`"), "{generated}");
    let path = support::repo_root().join("docs/cli.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let start = doc.find(BEGIN).expect("docs/cli.md lost its BEGIN marker") + BEGIN.len();
    let end = doc[start..]
        .find(END)
        .expect("docs/cli.md lost its END marker")
        + start;
    if &doc[start..end] == generated {
        return;
    }
    if std::env::var_os("UPDATE_CLI_REFERENCE").is_some() {
        let updated = format!("{}{generated}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    let first = doc[start..end]
        .lines()
        .zip(generated.lines())
        .position(|(a, b)| a != b);
    panic!(
        "docs/cli.md's option reference differs from `zhtidy --generate-cli-reference` \
         (first differing line of the section: {first:?}); \
         run `UPDATE_CLI_REFERENCE=1 cargo test --test cli_reference` and review the diff"
    );
}
