"""Tiny Stable Diffusion, ControlNet and BLIP models with random weights, saved like real ones.

Model hubs are unreachable here, so tests build these in code, save them with
``save_pretrained`` under realistic ids in a model directory, and load them back through
the same ``from_pretrained(..., local_files_only=True)`` path users take.
"""

from __future__ import annotations

import json
from pathlib import Path

SD_ID = "stabilityai/sd-turbo"
BLIP_ID = "Salesforce/blip-image-captioning-base"
CONTROLNET_ID = "acme/tiny-controlnet"
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "[DEC]", "a", "photo", "of", "two", "red", "parrots", "on",
         "branch", "the", "green", "bird", "sky", "blue", "tree", "with", "and", "in", "leaves"]  # fmt: skip


def clip_tokenizer_files(folder: Path) -> None:
    """A character-level CLIP BPE vocabulary (no merges): enough to tokenise any prompt."""
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {"<|startoftext|>": 0, "!": 1, "<|endoftext|>": 2}
    for ch in "abcdefghijklmnopqrstuvwxyz0123456789,.'-":
        vocab[ch] = len(vocab)
        vocab[ch + "</w>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n")


def build_sd(root: Path, model_id: str = SD_ID, seed: int = 0) -> Path:
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionImg2ImgPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        sample_size=16, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(32, 64),
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32, attention_head_dim=8, norm_num_groups=16,
    )  # fmt: skip
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"), block_out_channels=(16, 32), latent_channels=4,
        layers_per_block=1, norm_num_groups=16, sample_size=32,
    )  # fmt: skip
    text = CLIPTextModel(CLIPTextConfig(vocab_size=128, hidden_size=32, intermediate_size=37, num_attention_heads=4,
                                        num_hidden_layers=2, max_position_embeddings=77, bos_token_id=0,
                                        eos_token_id=2, pad_token_id=1))  # fmt: skip
    folder = root / model_id
    clip_tokenizer_files(folder / "_tok")
    tok_dir = folder / "_tok"
    tokenizer = CLIPTokenizer(
        str(tok_dir / "vocab.json"), str(tok_dir / "merges.txt"), model_max_length=77, pad_token="!"
    )
    scheduler = EulerDiscreteScheduler(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012,
                                       beta_schedule="scaled_linear", steps_offset=1)  # fmt: skip
    pipe = StableDiffusionImg2ImgPipeline(vae=vae, text_encoder=text, tokenizer=tokenizer, unet=unet,
                                          scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                          requires_safety_checker=False)  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)
    for f in (folder / "_tok").iterdir():
        f.unlink()
    (folder / "_tok").rmdir()
    return folder


def build_controlnet(root: Path, sd_folder: Path, model_id: str = CONTROLNET_ID) -> Path:
    import torch
    from diffusers import ControlNetModel, UNet2DConditionModel

    torch.manual_seed(1)
    unet = UNet2DConditionModel.from_pretrained(sd_folder / "unet", local_files_only=True, use_safetensors=True)
    net = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(16, 32))
    # A new ControlNet's output convolutions are zero (it starts as a no-op); a trained one's are not.
    with torch.no_grad():
        for block in [*net.controlnet_down_blocks, net.controlnet_mid_block]:
            block.weight.normal_(std=0.2)
    folder = root / model_id
    net.save_pretrained(folder, safe_serialization=True)
    return folder


def build_blip(root: Path, model_id: str = BLIP_ID) -> Path:
    import torch
    from transformers import BertTokenizer, BlipConfig, BlipForConditionalGeneration, BlipImageProcessor, BlipProcessor

    folder = root / model_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(WORDS) + "\n")
    tokenizer = BertTokenizer(str(folder / "vocab.txt"), bos_token="[DEC]")
    config = BlipConfig(
        vision_config={"hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2, "num_attention_heads": 4,
                       "image_size": 32, "patch_size": 8},
        text_config={"vocab_size": len(WORDS), "hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2,
                     "num_attention_heads": 4, "max_position_embeddings": 64, "bos_token_id": 5, "pad_token_id": 0,
                     "sep_token_id": 3, "eos_token_id": 3},
    )  # fmt: skip
    torch.manual_seed(0)
    model = BlipForConditionalGeneration(config)
    processor = BlipProcessor(image_processor=BlipImageProcessor(size={"height": 32, "width": 32}), tokenizer=tokenizer)
    model.save_pretrained(folder, safe_serialization=True)
    processor.save_pretrained(folder)
    return folder
