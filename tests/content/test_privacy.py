"""Personal numbers found and hidden: phones, ID cards and bank cards, in the forms residents
type them."""

import pytest

from content.privacy import has_phone_number, mask_card_numbers, mask_personal_numbers


@pytest.mark.parametrize(
    "card",
    [
        "6222021234567890123",  # 19 digits
        "6222021234567890",  # 16
        "6222 0212 3456 7890 123",
        "6222-0212-3456-7890",
        "６２２２０２１２３４５６７８９０",  # full width
        "4111 1111 1111 1111",  # a Visa card (Luhn)
    ],
)
def test_bank_cards_are_hidden(card: str) -> None:
    masked = mask_card_numbers(f"卡号{card}，钱没到账")
    assert masked == f"卡号{'*' * len(card)}，钱没到账"
    assert "*" * 16 in mask_personal_numbers(f"卡号{card}")


@pytest.mark.parametrize(
    "number", ["110101199003071234", "11010119900307123X", "110101 19900307 1234"]
)
def test_id_numbers_are_hidden(number: str) -> None:
    assert mask_card_numbers(f"身份证{number}") == "身份证" + "*" * len(number)


@pytest.mark.parametrize(
    "text",
    [
        "我的电话13912345678",
        "打13912345678或13812345678都行",
        "两个号 13912345678 13812345678",
        "欠了15000元，拖了3个月",
        "订单号123456789012345",  # 15 digits: neither a card nor an ID
        "卡号62220212345678901234",  # 22 digits: not a card number we know
        "案号20261203123456789",  # 17 digits, not 62…, not Luhn
    ],
)
def test_other_numbers_stay_in_a_message(text: str) -> None:
    assert mask_card_numbers(text) == text


def test_phone_numbers_are_found() -> None:
    assert has_phone_number("请打 139-1234-5678 找我")
    assert has_phone_number("座机0571-88886666")
    assert not has_phone_number("欠了15000元")
    assert mask_personal_numbers("电话13912345678") == "电话" + "*" * 11
