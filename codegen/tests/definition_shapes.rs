//! Shapes that Tencent's own service definitions have and this workspace's specs had not:
//! names with consecutive capitals, a schema that contains itself, a request with no field,
//! an action whose status is `offline`. Each generates (`cargo xtask import-check` runs the
//! generator over every definition of the pinned tccli).

mod common;

const SPEC: &str = r##"
openapi: 3.0.3
info:
  title: Shapes
  version: "2020-01-01"
servers:
- url: https://shapes.tencentcloudapi.com
x-tc-service: shapes
x-tc-version: "2020-01-01"
paths:
  /DescribeACLTree:
    post:
      operationId: describe_acl_tree
      summary: Reads a tree.
      x-tc-action: DescribeACLTree
      x-tc-rate-limit: 20
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/DescribeACLTreeRequest'
      responses:
        '200':
          description: The answer.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/DescribeACLTreeEnvelope'
  /DescribeQuota:
    post:
      operationId: describe_quota
      summary: Takes nothing.
      x-tc-action: DescribeQuota
      x-tc-status: offline
      x-tc-rate-limit: 20
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/DescribeQuotaRequest'
      responses:
        '200':
          description: The answer.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/DescribeQuotaEnvelope'
components:
  schemas:
    DescribeACLTreeRequest:
      type: object
      additionalProperties: false
      properties:
        RootID:
          type: string
          maxLength: 10
        Filter:
          $ref: '#/components/schemas/FilterNode'
    DescribeACLTreeEnvelope:
      type: object
      required: [Response]
      properties:
        Response:
          $ref: '#/components/schemas/DescribeACLTreeResponse'
    DescribeACLTreeResponse:
      type: object
      required: [RequestId]
      properties:
        Root:
          $ref: '#/components/schemas/ACLNode'
        RequestId:
          type: string
    ACLNode:
      type: object
      properties:
        Name:
          type: string
        Parent:
          $ref: '#/components/schemas/ACLNode'
        Children:
          type: array
          maxItems: 4
          items:
            $ref: '#/components/schemas/ACLNode'
    FilterNode:
      type: object
      properties:
        Not:
          $ref: '#/components/schemas/FilterNode'
        AnyOf:
          type: array
          items:
            $ref: '#/components/schemas/FilterNode'
    DescribeQuotaRequest:
      type: object
      additionalProperties: false
    DescribeQuotaEnvelope:
      type: object
      required: [Response]
      properties:
        Response:
          $ref: '#/components/schemas/DescribeQuotaResponse'
    DescribeQuotaResponse:
      type: object
      required: [RequestId]
      properties:
        Quota:
          type: integer
          format: uint64
        RequestId:
          type: string
"##;

fn client_rs() -> String {
    let files = tc3_codegen::generate(
        &tc3_codegen::SpecInput::plain("spec/shapes.yaml", SPEC),
        &common::settings(),
    )
    .unwrap_or_else(|e| panic!("the spec did not generate: {e}"));
    files
        .into_iter()
        .find(|f| f.path.ends_with("client.rs"))
        .expect("a client.rs")
        .contents
}

#[test]
fn names_with_consecutive_capitals_generate_under_typify_s_names() {
    let client = client_rs();
    assert!(
        client.contains("pub struct DescribeAclTreeRequest"),
        "no DescribeAclTreeRequest type"
    );
    assert!(client.contains("pub fn describe_acl_tree("));
}

#[test]
fn a_schema_that_contains_itself_is_boxed_not_a_crash() {
    let client = client_rs();
    for ty in ["AclNode", "FilterNode"] {
        let start = client
            .find(&format!("pub struct {ty} {{"))
            .unwrap_or_else(|| panic!("no {ty} type"));
        let body = &client[start..];
        let body = &body[..body.find("\n    }").expect("the struct's end")];
        assert!(
            body.contains(&format!("::std::boxed::Box<::std::option::Option<{ty}>>")),
            "the self-reference of {ty} is not boxed: {body}"
        );
    }
}

#[test]
fn a_request_with_no_field_and_an_offline_action_generate() {
    let client = client_rs();
    assert!(client.contains("pub struct DescribeQuotaRequest"));
    assert!(client.contains("pub fn describe_quota("));
}

#[test]
fn comparing_a_recursive_spec_with_itself_ends_and_finds_nothing() {
    let changes =
        tc3_codegen::diff_specs("old.yaml", SPEC, "new.yaml", SPEC).expect("both specs load");
    assert!(changes.is_empty(), "{changes:?}");
    let looser = SPEC.replace("maxItems: 4", "maxItems: 5");
    let changes =
        tc3_codegen::diff_specs("old.yaml", SPEC, "new.yaml", &looser).expect("both specs load");
    assert!(
        changes
            .iter()
            .any(|c| c.what.contains("maxItems 4 → 5") && c.subject.contains("Children")),
        "{changes:?}"
    );
}
