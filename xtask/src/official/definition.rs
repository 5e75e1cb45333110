//! Tencent's machine-readable definition of a service (the `api.json` tccli ships for each
//! service and version): its actions, their request and answer objects, each member's type,
//! required-ness and nullability, and the limits its documentation states in words.

use serde_json::Value;

/// One action of the definition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct OfficialAction {
    /// The action's name, e.g. `DescribeWidgets`.
    pub(crate) name: String,
    /// `online`, `deprecated` or `offline`.
    pub(crate) status: String,
    /// The action's documentation.
    pub(crate) document: String,
    /// The request object's name.
    pub(crate) input: String,
    /// The answer object's name.
    pub(crate) output: String,
}

/// One member of an object.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Member {
    /// The field's name.
    pub(crate) name: String,
    /// `string`, `int`, `float`, `bool`, `list` or `object`.
    pub(crate) kind: String,
    /// For a list its items' type, for an object its object's name; for a scalar its precise
    /// type (`string`, `uint64`, …).
    pub(crate) member: String,
    /// Whether a request must carry it, or an answer always has it (`None`: not stated, as
    /// for the members of most answers' top-level objects).
    pub(crate) required: Option<bool>,
    /// Whether an answer may carry `null`.
    pub(crate) nullable: bool,
    /// The field's documentation.
    pub(crate) document: String,
}

/// A service's definition.
#[derive(Clone, Debug)]
pub(crate) struct Definition {
    tree: Value,
}

impl Definition {
    /// Reads an `api.json`; `Err` says what is missing.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let tree: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        if !tree["actions"].is_object() || !tree["objects"].is_object() {
            return Err("no `actions` and `objects` mappings: not a tccli api.json".into());
        }
        Ok(Self { tree })
    }

    /// The API version the definition describes (`metadata.apiVersion`).
    pub(crate) fn version(&self) -> Option<&str> {
        self.tree["metadata"]["apiVersion"].as_str()
    }

    /// The service's short name (`metadata.serviceShortName`), e.g. the first label of its host.
    pub(crate) fn service(&self) -> Option<&str> {
        self.tree["metadata"]["serviceShortName"].as_str()
    }

    /// The names of every action, sorted.
    pub(crate) fn action_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.tree["actions"]
            .as_object()
            .map(|actions| actions.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The action named `name`.
    pub(crate) fn action(&self, name: &str) -> Option<OfficialAction> {
        let a = self.tree["actions"].get(name)?;
        let text = |k: &str| a[k].as_str().unwrap_or_default().to_owned();
        Some(OfficialAction {
            name: name.to_owned(),
            status: a["status"].as_str().unwrap_or("online").to_owned(),
            document: text("document"),
            input: text("input"),
            output: text("output"),
        })
    }

    /// Whether `name` is an object of the definition.
    pub(crate) fn is_object(&self, name: &str) -> bool {
        self.tree["objects"].get(name).is_some()
    }

    /// The object's documentation.
    pub(crate) fn object_document(&self, name: &str) -> String {
        self.tree["objects"][name]["document"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The members of the object `name`, in the definition's order.
    pub(crate) fn members(&self, name: &str) -> Option<Vec<Member>> {
        let members = self.tree["objects"].get(name)?["members"].as_array()?;
        Some(
            members
                .iter()
                .map(|m| Member {
                    name: m["name"].as_str().unwrap_or_default().to_owned(),
                    kind: m["type"].as_str().unwrap_or_default().to_owned(),
                    member: m["member"].as_str().unwrap_or_default().to_owned(),
                    required: m["required"].as_bool(),
                    nullable: m["value_allowed_null"].as_bool().unwrap_or(false),
                    document: m["document"].as_str().unwrap_or_default().to_owned(),
                })
                .collect(),
        )
    }
}

/// The limits a field's documentation states in words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct StatedLimits {
    /// Characters at least / at most.
    pub(crate) min_length: Option<u64>,
    /// Characters at most.
    pub(crate) max_length: Option<u64>,
    /// Whether the characters are ASCII.
    pub(crate) ascii: bool,
    /// Items at least.
    pub(crate) min_items: Option<u64>,
    /// Items at most.
    pub(crate) max_items: Option<u64>,
    /// Smallest value.
    pub(crate) minimum: Option<u64>,
    /// Largest value.
    pub(crate) maximum: Option<u64>,
}

/// Reads the limits out of a field's documentation: `最小长度3个ASCII字符，最大长度不超过33个ASCII
/// 字符` (length and ASCII), `最小3组，最大17组` (items), `最小值不小于3，最大值不超过4321` (range).
pub(crate) fn stated_limits(document: &str) -> StatedLimits {
    let mut limits = StatedLimits {
        ascii: document.contains("ASCII"),
        ..StatedLimits::default()
    };
    let chars: Vec<char> = document.chars().collect();
    let mut i = 0;
    while i + 1 < chars.len() {
        let lower = match (chars[i], chars[i + 1]) {
            ('最', '小') => true,
            ('最', '大') => false,
            _ => {
                i += 1;
                continue;
            }
        };
        let mut j = i + 2;
        let rest: String = chars[j..].iter().collect();
        let what = if rest.starts_with("长度") {
            j += 2;
            'l'
        } else if rest.starts_with('值') {
            j += 1;
            'v'
        } else {
            '?'
        };
        for filler in ["不小于", "不超过", "为", "是"] {
            let rest: String = chars[j..].iter().collect();
            if rest.starts_with(filler) {
                j += filler.chars().count();
            }
        }
        let digits: String = chars[j..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let Ok(n) = digits.parse::<u64>() else {
            i += 2;
            continue;
        };
        let unit = chars.get(j + digits.len()).copied();
        let slot = match (what, unit) {
            ('l', _) | ('?', Some('个')) if lower => &mut limits.min_length,
            ('l', _) | ('?', Some('个')) => &mut limits.max_length,
            ('?', Some('组')) if lower => &mut limits.min_items,
            ('?', Some('组')) => &mut limits.max_items,
            ('v', _) if lower => &mut limits.minimum,
            ('v', _) => &mut limits.maximum,
            _ => {
                i = j + digits.len();
                continue;
            }
        };
        *slot = Some(n);
        i = j + digits.len();
    }
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_read_from_the_words_of_the_documentation() {
        let l =
            stated_limits("游戏服务器会话ID，最小长度1个ASCII字符，最大长度不超过256个ASCII字符");
        assert_eq!(
            l,
            StatedLimits {
                min_length: Some(1),
                max_length: Some(256),
                ascii: true,
                ..StatedLimits::default()
            }
        );
        let l = stated_limits("玩家ID列表，最小1组，最大25组");
        assert_eq!(
            (l.min_items, l.max_items, l.ascii),
            (Some(1), Some(25), false)
        );
        let l = stated_limits("端口号，最小值不小于1，最大值不超过60000");
        assert_eq!((l.minimum, l.maximum), (Some(1), Some(60000)));
        let l = stated_limits("玩家自定义数据，最大长度2048个ASCII字符\n注意：此字段可能返回 null");
        assert_eq!((l.min_length, l.max_length), (None, Some(2048)));
        assert_eq!(stated_limits("玩家自定义数据"), StatedLimits::default());
    }
}
