//! Config file, profiles, token sources, precedence, credentials other tools keep, and
//! read-only mode: in the resolver, over HTTP (no change leaves the machine) and on the command
//! line.

use std::path::Path;

use errtui::config::file::{self, ConfigFile};
use errtui::config::{self, Flags, Lookup, Target};
use serde_json::Value;

use crate::cli::{demo_url, own_demo_server, run_in};

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
}

fn parse(text: &str) -> Result<ConfigFile, String> {
    file::parse(text, Path::new("/etc/errtui/config.toml"))
}

const CONFIG: &str = r#"
default_profile = "prod"

[profiles.prod]
backend = "sentry"
url = "https://sentry.example.com"
org = "acme"
project = "web"
token_env = "PROD_TOKEN"
read_only = true
headers = { "CF-Access-Client-Id" = "abc" }

[profiles.gl]
backend = "gitlab"
url = "https://git.example.com"
project = "acme/web"
token_cmd = "echo glpat-from-cmd"
sentry_url = "https://sentry.example.com"

[profiles.broken]
org = "acme"
token_cmd = "echo oops >&2; exit 3"
"#;

#[test]
fn a_valid_file_parses_and_every_mistake_names_file_line_and_fix() {
    let cfg = parse(CONFIG).expect("valid");
    assert_eq!(cfg.default_profile.as_deref(), Some("prod"));
    assert!(cfg.profiles["prod"].read_only);
    assert_eq!(cfg.profiles["prod"].headers["CF-Access-Client-Id"], "abc");

    let e = parse("[profiles.p]\norg = \"a\"\ntokn = \"x\"\n").expect_err("unknown key");
    assert!(
        e.starts_with("/etc/errtui/config.toml:3:")
            && e.contains("unknown field `tokn`")
            && e.contains("token_env"),
        "{e}"
    );
    let e = parse("default_profile = 3\n").expect_err("type");
    assert!(e.contains(":1:"), "{e}");
    let e = parse("[profiles.p]\ntoken = \"a\"\ntoken_env = \"B\"\n").expect_err("two sources");
    assert!(e.contains("keep one"), "{e}");
    let e = parse("[profiles.p]\nurl = \"sentry.io\"\n").expect_err("url");
    assert!(e.contains("must start with https://"), "{e}");
    let e = parse("default_profile = \"nope\"\n[profiles.p]\n").expect_err("default");
    assert!(e.contains("`nope`") && e.contains("`p`"), "{e}");
    let e = parse("[profiles.p]\nbackend = \"bugzilla\"\n").expect_err("backend");
    assert!(
        e.contains(":2:") && e.contains("sentry") && e.contains("gitlab"),
        "{e}"
    );
}

#[test]
fn the_example_config_documents_options_that_parse() {
    let text = include_str!("../../config.example.toml");
    let cfg = parse(text).expect("config.example.toml parses");
    assert!(cfg.profiles.len() >= 3, "a profile per kind of server");
    for key in [
        "default_profile",
        "backend",
        "url",
        "org",
        "project",
        "token",
        "token_env",
        "token_cmd",
        "sentry_url",
        "sentry_token_env",
        "read_only",
        "headers",
        "ca_file",
    ] {
        assert!(
            text.contains(key),
            "config.example.toml does not mention {key}"
        );
    }
}

fn write_config(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("config.toml");
    std::fs::write(&p, text).expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    p
}

fn resolve(
    flags: &Flags,
    env: &dyn Lookup,
    cwd: &Path,
    home: &Path,
) -> Result<config::Resolved, String> {
    config::resolve(flags, env, cwd, Some(home))
}

#[test]
fn precedence_is_flag_then_environment_then_profile_then_discovered() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write_config(dir.path(), CONFIG);
    std::fs::write(
        dir.path().join(".sentryclirc"),
        "[auth]\ntoken=sntrys_rc\n[defaults]\norg=rc-org\nproject=rc-project\n",
    )
    .expect("rc");
    let flags = Flags {
        config: Some(path.clone()),
        ..Flags::default()
    };
    // The default profile, its token from its variable, the project from the profile.
    let env = env_of(&[("PROD_TOKEN", "sntryu_prod")]);
    let r = resolve(&flags, &env, dir.path(), dir.path()).expect("resolved");
    let Target::Sentry(t) = &r.target else {
        panic!("sentry")
    };
    assert_eq!(
        (t.url.as_str(), t.org.as_str()),
        ("https://sentry.example.com", "acme")
    );
    assert_eq!(t.project.as_deref(), Some("web"));
    assert_eq!(t.token.expose(), "sntryu_prod");
    assert_eq!(t.token.source, "PROD_TOKEN (profile `prod`)");
    assert_eq!(r.read_only.as_deref(), Some("profile `prod` is read-only"));
    assert_eq!(
        r.headers,
        [("CF-Access-Client-Id".to_string(), "abc".to_string())]
    );
    // The environment beats the profile, a flag beats both.
    let env = env_of(&[("PROD_TOKEN", "sntryu_prod"), ("SENTRY_ORG", "env-org")]);
    let r = resolve(&flags, &env, dir.path(), dir.path()).expect("resolved");
    let Target::Sentry(t) = &r.target else {
        panic!()
    };
    assert_eq!(t.org, "env-org");
    let f = Flags {
        org: Some("flag-org".into()),
        ..flags.clone()
    };
    let Target::Sentry(t) = resolve(&f, &env, dir.path(), dir.path()).expect("r").target else {
        panic!()
    };
    assert_eq!(t.org, "flag-org");
    // With no profile chosen (and no default), the .sentryclirc fills in.
    let nodefault = write_config(
        dir.path(),
        &CONFIG.replace("default_profile = \"prod\"", ""),
    );
    let f = Flags {
        config: Some(nodefault),
        ..Flags::default()
    };
    let Target::Sentry(t) = resolve(&f, &env_of(&[]), dir.path(), dir.path())
        .expect("r")
        .target
    else {
        panic!()
    };
    assert_eq!((t.org.as_str(), t.token.expose()), ("rc-org", "sntrys_rc"));
    assert!(
        t.token.source.ends_with(".sentryclirc"),
        "{}",
        t.token.source
    );
}

#[test]
fn token_sources_command_variable_and_their_failures() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write_config(dir.path(), CONFIG);
    let with = |profile: &str, env: &[(&str, &str)]| {
        let flags = Flags {
            config: Some(path.clone()),
            profile: Some(profile.into()),
            ..Flags::default()
        };
        resolve(&flags, &env_of(env), dir.path(), dir.path())
    };
    let r = with("gl", &[]).expect("gitlab profile");
    let Target::Gitlab(t) = &r.target else {
        panic!("gitlab")
    };
    assert_eq!(t.token.expose(), "glpat-from-cmd");
    assert_eq!(t.token.source, "token_cmd of profile `gl`");
    assert_eq!(
        (t.url.as_str(), t.project.as_str()),
        ("https://git.example.com", "acme/web")
    );
    assert_eq!(t.sentry_url, "https://sentry.example.com");
    // The environment's token wins, and the command is not even run.
    let r = with("gl", &[("GITLAB_TOKEN", "glpat-env")]).expect("env");
    let Target::Gitlab(t) = &r.target else {
        panic!()
    };
    assert_eq!(t.token.source, "GITLAB_TOKEN");
    let e = with("broken", &[]).expect_err("failing command");
    assert!(
        e.contains("token_cmd of profile `broken` failed") && e.contains("oops"),
        "{e}"
    );
    let e = with("prod", &[]).expect_err("unset variable");
    assert!(e.contains("PROD_TOKEN") && e.contains("not set"), "{e}");
    let e = with("nope", &[]).expect_err("unknown profile");
    assert!(e.contains("No profile `nope`") && e.contains("`gl`"), "{e}");
    // No secret in any message.
    assert!(!format!("{:?}", with("gl", &[])).contains("glpat-from-cmd\""));
}

#[cfg(unix)]
#[test]
fn a_token_in_a_file_others_can_read_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let path = write_config(
        dir.path(),
        "[profiles.p]\norg = \"acme\"\ntoken = \"sntryu_x\"\n",
    );
    let cfg = file::load(&path, true).expect("load").expect("some");
    assert!(
        file::permission_warning(&path, &cfg).is_none(),
        "600 is fine"
    );
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let w = file::permission_warning(&path, &cfg).expect("warned");
    assert!(w.contains("chmod 600") && w.contains("644"), "{w}");
}

#[test]
fn sentryclirc_up_the_tree_and_glab_with_the_git_remote_are_found() {
    let home = tempfile::tempdir().expect("home");
    let repo = home.path().join("src/shop");
    std::fs::create_dir_all(repo.join(".git")).expect("repo");
    std::fs::create_dir_all(repo.join("web/app")).expect("nested");
    std::fs::write(
        repo.join(".git/config"),
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@git.example.com:acme/shop.git\n",
    )
    .expect("git");
    std::fs::create_dir_all(home.path().join(".config/glab-cli")).expect("glab dir");
    std::fs::write(
        home.path().join(".config/glab-cli/config.yml"),
        "hosts:\n    gitlab.com:\n        token: glpat-com\n    git.example.com:\n        token: glpat-example\n",
    )
    .expect("glab");
    // Only glab: errtui starts on GitLab, the project from the repository's remote.
    let r = resolve(
        &Flags::default(),
        &env_of(&[]),
        &repo.join("web/app"),
        home.path(),
    )
    .expect("gitlab from glab");
    let Target::Gitlab(t) = &r.target else {
        panic!("gitlab")
    };
    assert_eq!(t.url, "https://git.example.com");
    assert_eq!(t.project, "acme/shop");
    assert_eq!(t.token.expose(), "glpat-example");
    // A .sentryclirc in the home directory, and a nearer one: the nearer wins for what it sets.
    std::fs::write(
        home.path().join(".sentryclirc"),
        "[auth]\ntoken = sntryu_home\n[defaults]\nurl = https://sentry.example.com\norg = acme\n",
    )
    .expect("rc");
    std::fs::write(repo.join(".sentryclirc"), "[defaults]\nproject = shop\n").expect("rc2");
    let r = resolve(
        &Flags::default(),
        &env_of(&[]),
        &repo.join("web/app"),
        home.path(),
    )
    .expect("sentry from rc");
    let Target::Sentry(t) = &r.target else {
        panic!("sentry")
    };
    assert_eq!(
        (t.url.as_str(), t.org.as_str(), t.project.as_deref()),
        ("https://sentry.example.com", "acme", Some("shop"))
    );
    assert_eq!(t.token.expose(), "sntryu_home");
}

#[test]
fn a_newcomer_with_a_sentryclirc_lists_with_no_flags() {
    let home = tempfile::tempdir().expect("home");
    std::fs::write(
        home.path().join(".sentryclirc"),
        format!(
            "[auth]\ntoken=x\n[defaults]\nurl={}\norg=demo\nproject=demo\n",
            demo_url()
        ),
    )
    .expect("rc");
    let home_s = home.path().to_str().expect("utf8");
    let o = run_in(
        &["list", "--limit", "3", "--json"],
        &[("HOME", home_s)],
        home.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(rows.as_array().map(Vec::len), Some(3));
}

#[test]
fn read_only_refuses_every_change_on_the_command_line_with_one_message() {
    let url = own_demo_server();
    let demo_url = || url.as_str();
    let dir = tempfile::tempdir().expect("dir");
    let path = write_config(
        dir.path(),
        &format!(
            "default_profile = \"prod\"\n[profiles.prod]\nurl = \"{}\"\norg = \"demo\"\nproject = \"demo\"\ntoken = \"x\"\nread_only = true\n",
            demo_url()
        ),
    );
    let p = path.to_str().expect("utf8");
    for args in [
        vec!["resolve", "4000003"],
        vec!["ignore", "4000003", "--forever"],
        vec!["assign", "4000003", "me"],
        vec!["bookmark", "4000003"],
        vec!["merge", "4000003", "4000004"],
        vec!["comment", "4000003", "x"],
        vec!["keys", "create"],
        vec!["keys", "delete", "abc", "--yes"],
        vec!["keys", "test", "https://k@o1.ingest.sentry.io/1"],
        vec!["settings", "disable"],
    ] {
        let mut full = vec!["--config", p];
        full.extend(args.iter());
        let o = run_in(&full, &[], dir.path());
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("Read-only (profile `prod` is read-only): errtui changes nothing here."),
            "{args:?}: {err}"
        );
    }
    // Reads still work, and the demo's error is unchanged.
    let o = run_in(
        &["--config", p, "show", "4000003", "--json"],
        &[],
        dir.path(),
    );
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["status"], "unresolved");
    // --read-only does the same without a profile.
    let o = run_in(
        &["--read-only", "resolve", "4000003"],
        &[
            ("SENTRY_URL", demo_url()),
            ("SENTRY_ORG", "demo"),
            ("SENTRY_AUTH_TOKEN", "x"),
        ],
        dir.path(),
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("--read-only is on"));
    // The profiles command lists them, the one in use starred, never a token.
    let o = run_in(&["--config", p, "profiles"], &[], dir.path());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("* prod") && out.contains("read-only"), "{out}");
    assert!(!out.contains("token = "), "{out}");
}

#[test]
fn views_parse_into_list_queries_and_bad_values_name_their_line() {
    let cfg = parse(
        "[[views]]\nname = \"fatal\"\nquery = \"level:fatal\"\nstatus = \"all\"\nsort = \"events\"\nenvironment = \"prod\"\n",
    )
    .expect("view");
    let v = cfg.views[0].query();
    assert_eq!(v.name, "fatal");
    assert_eq!(v.query.text, "level:fatal environment:prod");
    assert_eq!(v.query.status, errtui::model::StatusFilter::All);
    assert_eq!(v.query.sort, errtui::model::Sort::Events);
    let e = parse("[[views]]\nname = \"x\"\nsort = \"newest\"\n").expect_err("sort");
    assert!(e.contains(":3:") && e.contains("last_seen"), "{e}");
    let v = parse("[[views]]\nname = \"x\"\nproject = \"web\"\n").expect("project");
    assert_eq!(v.views[0].query().query.project.as_deref(), Some("web"));
    // Several projects, combined profiles, a view's own refresh.
    let v = parse(
        "[profiles.prod]\nurl = \"https://sentry.example.com\"\n[profiles.web]\nbackend = \"gitlab\"\nurl = \"https://gitlab.example.com\"\n[[views]]\nname = \"x\"\nprojects = [\"web\", \"api\"]\nprofiles = [\"prod\", \"web\"]\nrefresh = \"10s\"\n",
    )
    .expect("combined");
    let q = v.views[0].query();
    assert_eq!(q.query.project.as_deref(), Some("web,api"));
    assert_eq!(q.profiles, ["prod", "web"]);
    assert_eq!(q.refresh, Some(Some(10)));
    let e =
        parse("[[views]]\nname = \"x\"\nprofiles = [\"nope\", \"other\"]\n").expect_err("no such");
    assert!(e.contains("combines profile `nope`"), "{e}");
    let e = parse("[profiles.prod]\n[[views]]\nname = \"x\"\nprofiles = [\"prod\"]\n")
        .expect_err("one");
    assert!(e.contains("two or more"), "{e}");
    let e = parse("[[views]]\nname = \"x\"\nrefresh = \"soon\"\n").expect_err("refresh");
    assert!(e.contains("view `x`: refresh"), "{e}");
    let e = parse("[[views]]\nname = \"x\"\nprojet = \"web\"\n").expect_err("unknown");
    assert!(e.contains("unknown field `projet`"), "{e}");
    let ten: String = (0..10)
        .map(|i| format!("[[views]]\nname = \"v{i}\"\n"))
        .collect();
    assert!(parse(&ten).expect_err("ten").contains("nine"));
}

#[test]
fn custom_commands_check_keys_and_placeholders_when_the_file_is_read() {
    let cfg = parse(
        "[[commands]]\nkey = \"O\"\ncontext = \"error\"\ndescription = \"runbook\"\nrun = \"open-runbook {short_id} {tag:server_name}\"\n",
    )
    .expect("valid");
    let c = cfg.commands[0].command(&cfg.keymap()).expect("command");
    assert_eq!((c.key, c.pause, c.mutating), ('O', true, false));
    let e = parse(
        "[[commands]]\nkey = \"r\"\ncontext = \"list\"\ndescription = \"x\"\nrun = \"true\"\n",
    )
    .expect_err("r is resolve");
    assert!(e.contains("key `r` is errtui's `resolve`"), "{e}");
    let e = parse("[[commands]]\nkey = \"O\"\ndescription = \"x\"\nrun = \"echo {secret}\"\n")
        .expect_err("placeholder");
    assert!(
        e.contains("unknown placeholder {secret}") && e.contains("{short_id}"),
        "{e}"
    );
    let e = parse("[[commands]]\nkey = \"OO\"\ndescription = \"x\"\nrun = \"true\"\n")
        .expect_err("two characters");
    assert!(e.contains("one character"), "{e}");
}

#[test]
fn e_finds_a_frames_file_under_a_source_root_and_never_outside() {
    use errtui::runtime::find_source;
    let root = tempfile::tempdir().expect("root");
    std::fs::create_dir_all(root.path().join("shop")).expect("dir");
    std::fs::write(root.path().join("shop/models.py"), "x = 1\n").expect("file");
    let roots = vec![root.path().to_path_buf()];
    assert_eq!(
        find_source(&roots, "/srv/app/shop/models.py"),
        Some(root.path().join("shop/models.py"))
    );
    assert_eq!(
        find_source(&roots, "shop/models.py"),
        Some(root.path().join("shop/models.py"))
    );
    assert_eq!(find_source(&roots, "../../shop/nothere.py"), None);
    assert_eq!(find_source(&roots, "../../../etc/passwd"), None);
    assert_eq!(find_source(&[], "shop/models.py"), None);
    let cfg = parse("source_roots = [\"~/src/web\"]\n").expect("roots");
    assert_eq!(cfg.source_roots.len(), 1);
}

#[test]
fn keys_in_the_config_override_by_action_and_their_mistakes_name_the_line() {
    let cfg = parse("[keys]\ntop = [\"g g\", \"Home\"]\nresolve = \"Ctrl-x\"\n").expect("keys");
    let map = cfg.keymap();
    assert!(
        map.bindings
            .iter()
            .any(|b| b.action.name() == "top" && b.label == "g g/Home")
    );
    let e = parse(
        "default_profile = \"p\"\n[profiles.p]\n\n[keys]\nresolve = \"r\"\nreslove = \"x\"\n",
    )
    .expect_err("unknown action");
    assert!(
        e.contains("line 6") && e.contains("`reslove` is not an action"),
        "{e}"
    );
    let e = parse("[keys]\nresolve = \"R\"\n").expect_err("clash");
    assert!(
        e.contains("line 2") && e.contains("recommended_event"),
        "{e}"
    );
    // A custom command may take a key the user freed.
    let cfg = parse(
        "[keys]\nresolve = \"Ctrl-x\"\n[[commands]]\nkey = \"r\"\ncontext = \"list\"\ndescription = \"mine\"\nrun = \"true\"\n",
    )
    .expect("r is free now");
    assert_eq!(cfg.commands[0].command(&cfg.keymap()).expect("ok").key, 'r');
}

#[test]
fn a_theme_that_does_not_exist_names_its_line_and_the_choices() {
    assert!(parse("theme = \"mono\"\n").is_ok());
    let e = parse("\ntheme = \"solarized\"\n").expect_err("theme");
    assert!(e.contains(":2:") && e.contains("\"mono\""), "{e}");
    assert!(errtui::ui::theme::set("nope").is_err());
}
