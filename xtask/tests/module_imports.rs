//! The modules of the generator (`codegen/src`), xtask (`xtask/src`), the runtime
//! (`runtime/src`) and the emulator (`emulator/src`) form no cycle: no
//! file uses a file that uses it back, directly or through others. Each `crate::`, `super::`,
//! `self::` or child-module path (in `use` items, code and the arguments of macros such as
//! `format!`; not in `quote!`, whose paths belong to the generated crate) is followed to the
//! file that defines what it names, through re-exports (`pub use`, globs).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

mod common;
use common::ROOT;

/// A module path from the crate root, e.g. `["model", "refs"]`.
type Module = Vec<String>;

/// One file of a crate: its module, its top-level items, its `use`s.
struct File {
    module: Module,
    /// Names of the items it defines at its top level (modules included).
    defined: BTreeSet<String>,
    /// Its top-level `use`s, flattened: (path as written, what it imports).
    uses: Vec<(Vec<String>, Leaf)>,
    /// Every path it refers to that may name another file: (module it is written in, path).
    references: Vec<(Module, Vec<String>)>,
}

#[derive(Clone, Debug)]
enum Leaf {
    /// `a::b` or `a::b as c`: the name it is known by here (`b`, `c`).
    Name(String),
    /// `a::*`.
    Glob,
}

/// Flattens a use tree into (path to the leaf, leaf).
fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, Leaf)>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) if n.ident == "self" => {
            let name = prefix.last().cloned().unwrap_or_default();
            out.push((prefix.clone(), Leaf::Name(name)));
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let mut path = prefix.clone();
            path.push(name.clone());
            out.push((path, Leaf::Name(name)));
        }
        syn::UseTree::Rename(r) => {
            let mut path = prefix.clone();
            path.push(r.ident.to_string());
            out.push((path, Leaf::Name(r.rename.to_string())));
        }
        syn::UseTree::Glob(_) => out.push((prefix.clone(), Leaf::Glob)),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                flatten(item, prefix, out);
            }
        }
    }
}

/// Collects the references of one file, knowing which inline module each sits in.
struct Collector {
    module: Module,
    children: BTreeSet<String>,
    references: Vec<(Module, Vec<String>)>,
}

impl Collector {
    fn record(&mut self, segments: Vec<String>) {
        // One segment alone (`pub(crate)`, a local name) names no other file.
        let relative = segments.len() > 1
            && (["crate", "super", "self"].contains(&segments[0].as_str())
                || self.children.contains(&segments[0]));
        if relative {
            self.references.push((self.module.clone(), segments));
        }
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut flat = Vec::new();
        flatten(&item.tree, &mut Vec::new(), &mut flat);
        for (mut segments, leaf) in flat {
            if let Leaf::Glob = leaf {
                segments.push("*".to_owned());
            }
            self.record(segments);
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_some() {
            self.module.push(item.ident.to_string());
            let outer = std::mem::take(&mut self.children);
            syn::visit::visit_item_mod(self, item);
            self.children = outer;
            self.module.pop();
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.record(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if name.contains("quote") {
            return; // the generated crate's paths
        }
        use syn::punctuated::Punctuated;
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = mac.parse_body_with(parser) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    Some(
        match item {
            syn::Item::Const(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Mod(i) => &i.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Union(i) => &i.ident,
            syn::Item::Macro(i) => i.ident.as_ref()?,
            _ => return None,
        }
        .to_string(),
    )
}

/// Every `.rs` file under `src`, by module path.
fn read_crate(src: &Path) -> BTreeMap<PathBuf, File> {
    let mut paths = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                paths.push(path);
            }
        }
    }
    let mut files = BTreeMap::new();
    for path in paths {
        let rel = path.strip_prefix(src).unwrap();
        let mut module: Module = rel
            .with_extension("")
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if matches!(
            module.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            module.pop();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let syntax = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        let defined: BTreeSet<String> = syntax.items.iter().filter_map(item_name).collect();
        let children: BTreeSet<String> = syntax
            .items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Mod(m) if m.content.is_none() => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        let mut uses = Vec::new();
        for item in &syntax.items {
            if let syn::Item::Use(u) = item {
                flatten(&u.tree, &mut Vec::new(), &mut uses);
            }
        }
        let mut collector = Collector {
            module: module.clone(),
            children,
            references: Vec::new(),
        };
        collector.visit_file(&syntax);
        files.insert(
            rel.to_path_buf(),
            File {
                module,
                defined,
                uses,
                references: collector.references,
            },
        );
    }
    files
}

struct Crate {
    files: BTreeMap<PathBuf, File>,
}

impl Crate {
    /// The file holding module `module`, if it is a file of its own.
    fn file_of(&self, module: &[String]) -> Option<PathBuf> {
        self.files
            .iter()
            .find(|(_, f)| f.module == module)
            .map(|(p, _)| p.clone())
    }

    /// `segments` written in module `at`, made absolute (from the crate root).
    fn absolute(at: &[String], segments: &[String]) -> Option<Module> {
        let mut module: Module = at.to_vec();
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                module.clear();
                rest = &rest[1..];
            }
            Some("self") => rest = &rest[1..],
            Some("super") => {
                while rest.first().map(String::as_str) == Some("super") {
                    module.pop()?;
                    rest = &rest[1..];
                }
            }
            _ => {}
        }
        module.extend(rest.iter().cloned());
        Some(module)
    }

    /// The file that defines what the absolute path names (`*`: the module itself).
    fn resolve(&self, path: &[String], depth: usize) -> Option<PathBuf> {
        if depth > 8 {
            return None;
        }
        // The longest prefix that is a module with a file of its own.
        let mut split = path.len();
        let file = loop {
            if let Some(file) = self.file_of(&path[..split]) {
                break file;
            }
            split = split.checked_sub(1)?;
        };
        let Some(name) = path.get(split).filter(|n| n.as_str() != "*") else {
            return Some(file);
        };
        let f = &self.files[&file];
        if f.defined.contains(name) {
            return Some(file);
        }
        // Re-exported: follow the `use` that brings it in.
        for (used, leaf) in &f.uses {
            let target = match leaf {
                Leaf::Name(known_as) if known_as == name => used.clone(),
                Leaf::Glob => {
                    let mut p = used.clone();
                    p.push(name.clone());
                    p
                }
                Leaf::Name(_) => continue,
            };
            let relative = matches!(
                target.first().map(String::as_str),
                Some("crate" | "super" | "self")
            ) || f.defined.contains(&target[0]);
            if !relative {
                continue; // an external crate's item
            }
            let Some(absolute) = Self::absolute(&f.module, &target) else {
                continue;
            };
            if let Some(found) = self.resolve(&absolute, depth + 1) {
                let found_file = &self.files[&found];
                let last = absolute.last().unwrap();
                if found != file
                    && (found_file.defined.contains(last) || found_file.module == absolute)
                {
                    return Some(found);
                }
            }
        }
        Some(file)
    }

    /// Which files each file uses.
    fn edges(&self) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
        let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
        for (path, file) in &self.files {
            let out = edges.entry(path.clone()).or_default();
            for (at, segments) in &file.references {
                let Some(absolute) = Self::absolute(at, segments) else {
                    continue;
                };
                if let Some(target) = self.resolve(&absolute, 0) {
                    if &target != path {
                        out.insert(target);
                    }
                }
            }
        }
        edges
    }
}

/// Every cycle among files, each as the files on it.
fn cycles(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    let mut found = Vec::new();
    for start in edges.keys() {
        // Depth-first search for a path back to `start` through files after it in order, so
        // each cycle is reported once, from its smallest file.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((node, trail)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    found.push(trail.clone());
                } else if next > start && seen.insert(next.clone()) {
                    let mut t = trail.clone();
                    t.push(next.clone());
                    stack.push((next.clone(), t));
                }
            }
        }
    }
    found
}

fn edges_of(dir: &str) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    Crate {
        files: read_crate(&Path::new(ROOT).join(dir)),
    }
    .edges()
}

fn assert_no_cycle(dir: &str) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let edges = edges_of(dir);
    let cycles = cycles(&edges);
    let shown: Vec<String> = cycles
        .iter()
        .map(|c| {
            let mut names: Vec<String> = c.iter().map(|p| p.display().to_string()).collect();
            names.push(names[0].clone());
            names.join(" → ")
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "{dir}: files that use each other:\n{}",
        shown.join("\n")
    );
    edges
}

#[test]
fn the_generators_files_use_each_other_in_one_direction_only() {
    let edges = assert_no_cycle("codegen/src");
    // The check sees through the module tree: a child's use of its parent and of a sibling,
    // a use through the parent's glob (`use tree::*`), and a parent's use of its child.
    let uses = |from: &str, to: &str| edges[Path::new(from)].contains(Path::new(to));
    assert!(uses("model/read.rs", "model/reconcile.rs"));
    assert!(uses("model/reconcile.rs", "model/mod.rs"));
    assert!(uses("model/reconcile.rs", "model/refs.rs"));
    assert!(uses("spec_diff.rs", "model/refs.rs"));
    assert!(uses("passes/batch_methods.rs", "passes/tree.rs"));
    assert!(uses("lib.rs", "model/mod.rs"));
    assert!(!uses("model/mod.rs", "model/read.rs"));
}

#[test]
fn xtasks_files_use_each_other_in_one_direction_only() {
    let edges = assert_no_cycle("xtask/src");
    let uses = |from: &str, to: &str| edges[Path::new(from)].contains(Path::new(to));
    assert!(uses("spec_audit.rs", "official/audit.rs"));
    assert!(uses("official/audit.rs", "official/definition.rs"));
    assert!(uses("generate.rs", "version_bump.rs"));
}

fn edges_of_files(files: &[(&str, &str)]) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    Crate {
        files: read_crate(dir.path()),
    }
    .edges()
}

#[test]
fn files_that_use_each_other_are_found() {
    let siblings = edges_of_files(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "pub(crate) fn f() { crate::b::g() }\n"),
        (
            "b.rs",
            "use crate::a::f;\npub(crate) fn g() {}\nfn h() { f() }\n",
        ),
    ]);
    assert_eq!(
        cycles(&siblings),
        vec![vec![PathBuf::from("a.rs"), PathBuf::from("b.rs")]]
    );
    // A parent re-exporting its child's type, which uses the parent's.
    let parent_and_child = edges_of_files(&[
        ("lib.rs", "mod m;\n"),
        (
            "m/mod.rs",
            "mod k;\npub(crate) use k::K;\npub(crate) struct T;\n",
        ),
        ("m/k.rs", "pub(crate) struct K(super::T);\n"),
    ]);
    assert_eq!(
        cycles(&parent_and_child),
        vec![vec![PathBuf::from("m/k.rs"), PathBuf::from("m/mod.rs")]]
    );
    // Paths inside `quote!` are the generated crate's; a test module's `super::*` is its file.
    let quoted = edges_of_files(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        (
            "a.rs",
            "fn f() { crate::b::g() }\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
        (
            "b.rs",
            "pub(crate) fn g() { quote::quote!(crate::a::f()); }\n",
        ),
    ]);
    assert!(cycles(&quoted).is_empty(), "{quoted:?}");
}

#[test]
fn the_runtimes_files_use_each_other_in_one_direction_only() {
    let edges = assert_no_cycle("runtime/src");
    let uses = |from: &str, to: &str| edges[Path::new(from)].contains(Path::new(to));
    assert!(uses("batch/reconcile.rs", "batch/send.rs"));
    assert!(uses("batch/entry.rs", "batch/reconcile.rs"));
    assert!(uses("batch/pipeline.rs", "batch/control.rs"));
    assert!(uses("builder.rs", "pacing/pacer.rs"));
}

#[test]
fn the_emulators_files_use_each_other_in_one_direction_only() {
    let edges = assert_no_cycle("emulator/src");
    let uses = |from: &str, to: &str| edges[Path::new(from)].contains(Path::new(to));
    assert!(uses("server/pipeline.rs", "actions/mod.rs"));
}
