//! 通知先メールアドレス: where the customer is told of every security event. The same rule as
//! the mobile address of トークン発行, under its own field name.

use super::{FieldSpec, InputError, MailAddress};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeAddress(MailAddress);

impl NoticeAddress {
    pub const FIELD: &'static str = "notice_address";
    pub const MAX_LEN: usize = MailAddress::MAX_LEN;
    pub const SPEC: FieldSpec = MailAddress::SPEC;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        MailAddress::parse_field(raw, Self::FIELD, "通知先メールアドレスを入力してください。").map(Self)
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_address_follows_the_mail_rule_under_its_own_field() {
        assert_eq!(NoticeAddress::parse(" Taro@Example.JP ").unwrap().as_str(), "Taro@example.jp");
        let empty = NoticeAddress::parse("").unwrap_err();
        assert_eq!(empty.field, "notice_address");
        assert!(empty.message.contains("通知先メールアドレス"));
        assert_eq!(NoticeAddress::parse("taro@").unwrap_err().field, "notice_address");
        assert_eq!(NoticeAddress::parse("ｔａｒｏ@example.jp").unwrap_err().field, "notice_address");
    }
}
