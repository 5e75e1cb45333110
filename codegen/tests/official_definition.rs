//! Reading Tencent's definition of a service: the limits its field documentation states.

use tc3_codegen::official::{stated_limits, StatedLimits};

#[test]
fn limits_are_read_from_the_words_of_the_documentation() {
    let l = stated_limits("游戏服务器会话ID，最小长度1个ASCII字符，最大长度不超过256个ASCII字符");
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
