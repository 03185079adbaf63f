from kb.normalize import fold_width, is_traditional, normalize, to_script_of


def test_traditional_and_simplified_normalise_to_the_same_match_text():
    assert normalize("話務班長崗位職責") == normalize("话务班长岗位职责") == "话务班长岗位职责"


def test_full_width_ascii_is_folded_but_cjk_punctuation_kept():
    assert fold_width("ＶＩＰ話務員（１）、") == "VIP話務員(1)、"
    assert normalize("ＶＩＰ　話務員") == "vip 话务员"


def test_circled_numbers_survive_normalisation_for_display_structure():
    # NFKC would turn ① into 1; the match text keeps it so structure parsing never depends on it
    assert "①" in normalize("①實際監控顯示")


def test_whitespace_collapsed():
    assert normalize("  排班\n\t制度  ") == "排班 制度"


def test_script_detection_and_conversion():
    assert is_traditional("值班長的職責")
    assert not is_traditional("值班长的职责")
    assert to_script_of("值班長", "我是新来的") == "值班长"
    assert to_script_of("值班长", "我是新來的") == "值班長"


def test_variants_t2s_leaves_match_the_simplified_forms_documents_write():
    # 帳 → 帐 by t2s, while Simplified documents write 账; 衞 is left as is, Simplified writes 卫
    assert normalize("應收帳款") == normalize("应收账款") == normalize("应收帐款") == "应收账款"
    assert normalize("衞生管理") == normalize("衛生管理") == "卫生管理"
