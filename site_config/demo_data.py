"""Content of the demo group: a fictional lab laid out like the seed page.

Every person, organization and paper here is invented; the arXiv ids use
numbers arXiv has not assigned and the DOIs use the 10.5555 test prefix, so no
link points at somebody's real work.
"""

PROFILE = {
    "group_name": "Learning Dynamics Group",
    "tagline": "Theory and algorithms of machine learning",
    "introduction": (
        "We are broadly interested in the **theory, algorithms and applications of "
        "machine learning**, and in non-convex and convex optimization.\n\n"
        "Recently we have been using theory to design algorithms that are simple "
        "and provably fast. The group sits in the School of Mathematical Sciences "
        "of Eastmoor University and welcomes visiting students."
    ),
    "contact": "Write to the group at learning-dynamics@example.edu.",
    "address": "School of Mathematical Sciences, Eastmoor University, Room 1207",
    "email": "learning-dynamics@example.edu",
    "footer_text": "A demonstration site: this group, its people and papers are "
    "fictional.",
}

NAVIGATION = [
    ("Home", "/", 10),
    ("Research", "/research/", 20),
    ("People", "/people/", 30),
    ("Publications", "/publications/", 40),
    ("Software", "/software/", 45),
    ("Funding", "/funding/", 47),
    ("News", "/news/", 50),
    ("Talks", "/talks/", 60),
    ("Teaching", "/teaching/", 70),
]

ORGANIZATIONS = {
    "Eastmoor University": ("EMU", "https://www.example.edu/eastmoor"),
    "Northbridge University": ("NBU", "https://www.example.edu/northbridge"),
    "Halcyon Institute for Computation": ("HIC", "https://www.example.org/halcyon"),
    "University of Harrowgate": ("UoH", "https://www.example.edu/harrowgate"),
    "Northwind Labs": ("", "https://www.example.com/northwind"),
}

# slug: fields. Affiliations are (organization, department, title) in order.
PEOPLE = {
    "shulan-wen": {
        "full_name": "Shulan Wen",
        "native_name": "文书岚",
        "role": "pi",
        "is_member": True,
        "start_date": "2017-09-01",
        "interests": "Deep learning theory, non-convex optimization",
        "bio": (
            "Shulan Wen leads the Learning Dynamics Group. She studies why "
            "gradient methods find solutions that generalize, and turns those "
            "answers into faster optimizers [@wen2021margin; @wen2023attention]."
        ),
        "email": "shulan.wen@example.edu",
        "homepage": "https://www.example.edu/~swen",
        "orcid": "0000-0002-1825-0097",
        "google_scholar_id": "DEMO_SW_0001",
        "github_username": "example-swen",
        "display_order": 10,
        "affiliations": [
            (
                "Eastmoor University",
                "School of Mathematical Sciences",
                "Associate Professor",
            ),
            ("Halcyon Institute for Computation", "", "Affiliated Researcher"),
        ],
        "photo": True,
    },
    "tobias-renwick": {
        "full_name": "Tobias Renwick",
        "role": "postdoc",
        "is_member": True,
        "start_date": "2022-10-01",
        "interests": "Optimizers for large models",
        "email": "t.renwick@example.edu",
        "github_username": "example-trenwick",
        "display_order": 20,
        "affiliations": [
            ("Eastmoor University", "School of Mathematical Sciences", "")
        ],
        "photo": True,
    },
    "amara-lindqvist-okoro": {
        "full_name": "Amara Lindqvist-Okoro",
        "role": "postdoc",
        "is_member": True,
        "start_date": "2023-09-01",
        "interests": "Transformers, approximation theory",
        "display_order": 21,
        "photo": True,
    },
    "kaito-ferreira": {
        "full_name": "Kaito Ferreira",
        "role": "phd",
        "is_member": True,
        "start_date": "2020-09-01",
        "interests": "Implicit bias of SGD, flat minima",
        "display_order": 30,
        "photo": True,
    },
    "priya-vantongeren": {
        "full_name": "Priya Vantongeren",
        "role": "phd",
        "is_member": True,
        "start_date": "2021-09-01",
        "interests": "Edge of stability, sharpness",
        "display_order": 31,
        "photo": True,
    },
    "yuhan-castellano": {
        "full_name": "Yuhan Castellano",
        "role": "phd",
        "is_member": True,
        "start_date": "2021-09-01",
        "interests": "In-context learning, mirror descent",
        "display_order": 32,
        "photo": True,
    },
    "mateus-oyelaran": {
        "full_name": "Mateus Oyelaran",
        "role": "phd",
        "is_member": True,
        "start_date": "2023-09-01",
        "interests": "State-space models",
        "display_order": 33,
        "photo": True,
    },
    "lena-bruckner": {
        "full_name": "Lena Brückner",
        "role": "master",
        "is_member": True,
        "start_date": "2024-09-01",
        "interests": "Vision models for microscopy",
        "display_order": 40,
        "photo": True,
    },
    "omar-haddad-delacroix": {
        "full_name": "Omar Haddad-Delacroix",
        "role": "undergraduate",
        "is_member": True,
        "start_date": "2024-02-01",
        "interests": "Benchmarks for optimizers",
        "display_order": 50,
    },
    "greta-solberg": {
        "full_name": "Greta Solberg",
        "role": "staff",
        "is_member": True,
        "start_date": "2019-01-01",
        "interests": "Lab manager; computing cluster",
        "display_order": 60,
        "photo": True,
    },
    "dmitri-aaltonen": {
        "full_name": "Dmitri Aaltonen",
        "role": "alumni",
        "is_member": True,
        "start_date": "2018-09-01",
        "end_date": "2023-07-31",
        "current_position": "Research scientist, Northwind Labs",
        "display_order": 70,
        "photo": True,
    },
    "hui-min-rasmussen": {
        "full_name": "Hui Min Rasmussen",
        "role": "alumni",
        "is_member": True,
        "start_date": "2019-03-01",
        "end_date": "2022-08-31",
        "current_position": "Assistant Professor, University of Harrowgate",
        "display_order": 71,
        "photo": True,
    },
    "bertrand-okafor": {
        "full_name": "Bertrand Okafor",
        "role": "collaborator",
        "show_on_people_page": True,
        "display_order": 80,
        "affiliations": [
            ("Eastmoor University", "", ""),
            ("Northbridge University", "", ""),
            ("Halcyon Institute for Computation", "", ""),
        ],
    },
    "celia-marchetti": {
        "full_name": "Celia Marchetti",
        "role": "collaborator",
        "show_on_people_page": True,
        "display_order": 81,
        "affiliations": [("Northbridge University", "Department of Mathematics", "")],
    },
    "ravi-ostrander": {
        "full_name": "Ravi Ostrander",
        "role": "collaborator",
        "show_on_people_page": True,
        "display_order": 82,
        "affiliations": [
            ("Eastmoor University", "School of Mathematical Sciences", "")
        ],
    },
    "ingrid-j-tallis": {
        "full_name": "Ingrid J. Tallis",
        "role": "collaborator",
        "show_on_people_page": True,
        "display_order": 83,
        "affiliations": [
            (
                "University of Harrowgate",
                "Department of Statistics and Data Science",
                "",
            )
        ],
    },
    "felix-amundsen": {"full_name": "Felix Amundsen", "role": "collaborator"},
    "noor-baptiste": {"full_name": "Noor Baptiste", "role": "collaborator"},
}

NAME_VARIANTS = {
    "shulan-wen": ["Wen, Shulan", "S. Wen"],
    "ingrid-j-tallis": ["Tallis, Ingrid J.", "I. J. Tallis"],
}

# slug: (title, parent slug, order, summary, description, people slugs). The
# descriptions cite what the seed's research-interests outline cites
# (../shared/seed/research-page.txt): its [1]..[12] are the twelve papers below,
# numbered by date, oldest first, as labsite numbers them (publications.numbering).
THEMES = {
    "deep-learning-theory": (
        "Deep Learning Theory",
        None,
        10,
        "theory and theory-inspired algorithms",
        "Why do deep networks train and generalize so well? We answer with "
        "mathematics, then use the answers to build algorithms.",
        ["shulan-wen", "kaito-ferreira", "priya-vantongeren"],
    ),
    "expressivity": (
        "Expressivity",
        "deep-learning-theory",
        10,
        "approximation theory for modern architectures",
        "The expressive power of Transformers through the lens of approximation "
        "theory [@wen2023attention; @castellano2025incontext]; the expressivity of "
        "state-space models.",
        ["amara-lindqvist-okoro", "mateus-oyelaran"],
    ),
    "optimization": (
        "Optimization",
        "deep-learning-theory",
        20,
        "why training finds global minima",
        "When training neural networks, why can optimization algorithms converge "
        "to global minima? [@renwick2020landscape; @wen2021margin; "
        "@vantongeren2024escape; @castellano2025incontext]",
        ["tobias-renwick"],
    ),
    "implicit-bias": (
        "Implicit Bias",
        "deep-learning-theory",
        30,
        "which minima training prefers",
        "Why do the minima that training finds generalize, even without explicit "
        "regularization? We study the flat-minima bias [@ferreira2021flat; "
        "@vantongeren2022sharpness; @ferreira2023noise; @renwick2024adaptive; "
        "@vantongeren2024escape] and the max-margin bias [@wen2021margin; "
        "@castellano2022mirror].",
        ["kaito-ferreira", "priya-vantongeren"],
    ),
    "generalization": (
        "Generalization",
        "deep-learning-theory",
        40,
        "measuring how well networks generalize",
        "How to measure the generalization ability of neural networks "
        "[@wen2019capacity].",
        [],
    ),
    "algorithm-design": (
        "Algorithm Design",
        "deep-learning-theory",
        50,
        "optimizers that converge faster and generalize better",
        "New optimization algorithms that (i) converge faster "
        "[@renwick2024adaptive] and (ii) generalize better "
        "[@castellano2022mirror; @renwick2024adaptive].",
        ["tobias-renwick", "omar-haddad-delacroix"],
    ),
    "transformers-and-llms": (
        "Transformers and Large Language Models",
        None,
        20,
        "theory and algorithm",
        "Transformers seen through approximation theory and optimization "
        "[@wen2023attention; @renwick2024adaptive; @castellano2025incontext].",
        ["amara-lindqvist-okoro", "yuhan-castellano"],
    ),
    "expressive-power": (
        "Expressive Power",
        "transformers-and-llms",
        10,
        "what attention can represent",
        "The expressive power and mechanisms of Transformers [@wen2023attention; "
        "@castellano2025incontext]; the mechanisms of in-context learning "
        "[@castellano2025incontext]; the expressivity of state-space models.",
        ["yuhan-castellano"],
    ),
    "llm-algorithm-design": (
        "Efficient Training",
        "transformers-and-llms",
        20,
        "faster optimizers, leaner architectures, better data",
        "Faster optimizers for training language models [@renwick2024adaptive]; "
        "more efficient model architectures; more efficient strategies for data "
        "selection.",
        ["tobias-renwick"],
    ),
    "optimization-theory": (
        "Non-convex and Convex Optimization",
        None,
        30,
        "theory and algorithm",
        "Optimization as it arises in machine learning, convex and not "
        "[@renwick2020landscape; @wen2021margin; @castellano2022mirror; "
        "@renwick2024adaptive; @vantongeren2024escape; @castellano2025incontext].",
        ["shulan-wen"],
    ),
    "convex-optimization": (
        "Convex Optimization in ML",
        "optimization-theory",
        10,
        "",
        "Accelerated methods for structured convex problems [@castellano2022mirror].",
        [],
    ),
    "non-convex-optimization": (
        "Non-convex Optimization in ML",
        "optimization-theory",
        20,
        "",
        "Landscapes and saddle points [@renwick2020landscape; @wen2021margin; "
        "@renwick2024adaptive; @vantongeren2024escape; @castellano2025incontext].",
        [],
    ),
    "fast-optimizers": (
        "Faster Optimizers",
        "optimization-theory",
        30,
        "",
        "Faster optimizers for training neural networks [@renwick2024adaptive] "
        "and acceleration for problems with specific structure "
        "[@castellano2022mirror].",
        [],
    ),
    "vision-and-language": (
        "Vision and Language",
        None,
        40,
        "algorithm and application",
        "Applications in computer vision and language processing "
        "[@bruckner2023segment].",
        ["lena-bruckner"],
    ),
}

# Authors: (person slug, equal contribution, corresponding), in order.
_W = ("shulan-wen", False, True)

PUBLICATIONS = [
    {
        "bibtex_key": "wen2019capacity",
        "title": "A Path-Norm Capacity Bound for Deep Residual Networks",
        "kind": "article",
        "year": 2019,
        "month": 6,
        "venue": "Journal of Machine Learning Research",
        "venue_short": "JMLR",
        "volume": "20",
        "number": "112",
        "pages": "1--34",
        "doi": "10.5555/demo.2019.0112",
        "arxiv_id": "1902.99011",
        "authors": [
            ("dmitri-aaltonen", False, False),
            ("ravi-ostrander", False, False),
            _W,
        ],
        "themes": ["generalization"],
        "abstract": (
            "We bound the Rademacher complexity of residual networks by a "
            "weighted path norm, giving a bound of order $\\sqrt{L/n}$ that does "
            "not grow with the width."
        ),
    },
    {
        "bibtex_key": "renwick2020landscape",
        "title": "Global Convergence of Gradient Descent for Wide Two-Layer "
        "Networks Beyond the Kernel Regime",
        "kind": "conference",
        "year": 2020,
        "month": 7,
        "venue": "Conference on Learning Theory",
        "venue_short": "COLT 2020",
        "pages": "3201--3230",
        "arxiv_id": "2002.99023",
        "authors": [
            ("hui-min-rasmussen", True, False),
            ("dmitri-aaltonen", True, False),
            ("bertrand-okafor", False, False),
            _W,
        ],
        "themes": ["optimization", "non-convex-optimization"],
        "abstract": (
            "For two-layer networks of any width above a threshold we show that "
            "gradient descent reaches a global minimum at a linear rate, without "
            "staying close to the initialization."
        ),
    },
    {
        "bibtex_key": "ferreira2021flat",
        "title": "Why Stochastic Gradient Descent Prefers Flat Minima: "
        "A Linear Stability View",
        "kind": "conference",
        "year": 2021,
        "month": 5,
        "venue": "Advances in Neural Information Processing Systems",
        "venue_short": "NeurIPS 2021",
        "arxiv_id": "2106.99031",
        "code_url": "https://code.example.org/learning-dynamics/flat-minima",
        "slides_url": "https://www.example.org/slides/ferreira2021flat.pdf",
        "note": "Spotlight",
        "is_selected": True,
        "authors": [
            ("kaito-ferreira", True, False),
            ("priya-vantongeren", True, False),
            ("bertrand-okafor", False, False),
            _W,
        ],
        "themes": ["implicit-bias"],
        "abstract": (
            "A minimum is reachable by SGD only if it is linearly stable for the "
            "noisy dynamics. We show that stability forces the sharpness below "
            "$2/\\eta$ and, with noise, far below it."
        ),
    },
    {
        "bibtex_key": "wen2021margin",
        "title": "Gradient Flow on Homogeneous Networks Converges in Direction to "
        "Max-Margin Solutions",
        "kind": "conference",
        "year": 2021,
        "month": 7,
        "venue": "International Conference on Machine Learning",
        "venue_short": "ICML 2021",
        "pages": "11020--11048",
        "arxiv_id": "2103.99042",
        "authors": [
            ("hui-min-rasmussen", False, False),
            ("celia-marchetti", False, False),
            _W,
        ],
        "themes": ["optimization", "implicit-bias", "non-convex-optimization"],
    },
    {
        "bibtex_key": "vantongeren2022sharpness",
        "title": "Sharpness Along the Edge of Stability",
        "kind": "conference",
        "year": 2022,
        "month": 4,
        "venue": "International Conference on Learning Representations",
        "venue_short": "ICLR 2022",
        "arxiv_id": "2110.99051",
        "code_url": "https://code.example.org/learning-dynamics/eos",
        "authors": [
            ("priya-vantongeren", False, False),
            ("kaito-ferreira", False, False),
            ("ingrid-j-tallis", False, False),
            _W,
        ],
        "themes": ["implicit-bias"],
    },
    {
        "bibtex_key": "castellano2022mirror",
        "title": "Accelerated Mirror Descent for Max-Margin Classification",
        "kind": "conference",
        "year": 2022,
        "month": 9,
        "venue": "International Conference on Artificial Intelligence and Statistics",
        "venue_short": "AISTATS 2022",
        "pages": "5120--5144",
        "arxiv_id": "2111.99063",
        "authors": [
            ("yuhan-castellano", False, False),
            ("ingrid-j-tallis", False, False),
            _W,
        ],
        "themes": [
            "implicit-bias",
            "algorithm-design",
            "convex-optimization",
            "fast-optimizers",
        ],
    },
    {
        "bibtex_key": "bruckner2023segment",
        "title": "Lightweight Boundary-Aware Segmentation for Microscopy Images",
        "kind": "conference",
        "year": 2023,
        "month": 1,
        "venue": "IEEE/CVF Winter Conference on Applications of Computer Vision",
        "venue_short": "WACV 2023",
        "pages": "2210--2219",
        "doi": "10.5555/demo.2023.2210",
        "code_url": "https://code.example.org/learning-dynamics/boundary-seg",
        "authors": [
            ("lena-bruckner", True, False),
            ("noor-baptiste", True, False),
            ("greta-solberg", False, False),
            _W,
        ],
        "themes": ["vision-and-language"],
    },
    {
        "bibtex_key": "wen2023attention",
        "title": "Approximation Rates of Attention for Sequence-to-Sequence Maps",
        "kind": "conference",
        "year": 2023,
        "month": 5,
        "venue": "Advances in Neural Information Processing Systems",
        "venue_short": "NeurIPS 2023",
        "arxiv_id": "2305.99078",
        "video_url": "https://www.example.org/talks/wen2023attention",
        "project_url": "https://www.example.org/projects/attention-rates",
        "note": "Oral",
        "is_selected": True,
        "authors": [
            ("amara-lindqvist-okoro", True, False),
            ("yuhan-castellano", True, False),
            ("celia-marchetti", False, False),
            _W,
        ],
        "themes": ["expressivity", "transformers-and-llms", "expressive-power"],
        "abstract": (
            "We show that one attention layer approximates any Lipschitz "
            "sequence-to-sequence map of memory $m$ with error "
            "$O(m^{1/2} H^{-1/d})$ using $H$ heads, and that the rate is tight."
        ),
    },
    {
        "bibtex_key": "ferreira2023noise",
        "title": "The Geometry of Label Noise in Stochastic Gradient Descent",
        "kind": "conference",
        "year": 2023,
        "month": 7,
        "venue": "International Conference on Machine Learning",
        "venue_short": "ICML 2023",
        "arxiv_id": "2302.99084",
        "authors": [
            ("kaito-ferreira", False, False),
            ("felix-amundsen", False, False),
            _W,
        ],
        "themes": ["implicit-bias"],
    },
    {
        "bibtex_key": "renwick2024adaptive",
        "title": "A Sharpness-Aware Adaptive Optimizer for Language Model Pretraining",
        "kind": "conference",
        "year": 2024,
        "month": 5,
        "venue": "International Conference on Learning Representations",
        "venue_short": "ICLR 2024",
        "arxiv_id": "2310.99095",
        "code_url": "https://code.example.org/learning-dynamics/sharp-adam",
        "is_selected": True,
        "authors": [
            ("tobias-renwick", True, False),
            ("omar-haddad-delacroix", True, False),
            ("priya-vantongeren", False, False),
            ("bertrand-okafor", False, False),
            _W,
        ],
        "themes": [
            "algorithm-design",
            "implicit-bias",
            "transformers-and-llms",
            "llm-algorithm-design",
            "non-convex-optimization",
            "fast-optimizers",
        ],
        "abstract": (
            "We add a cheap estimate of the local sharpness to Adam's update. On "
            "language models up to 1B parameters it reaches the same loss in "
            "30% fewer steps."
        ),
    },
    {
        "bibtex_key": "vantongeren2024escape",
        "title": "Escaping Saddles and Sharp Valleys in Deep Networks",
        "kind": "article",
        "year": 2024,
        "month": 9,
        "venue": "SIAM Journal on Mathematics of Data Science",
        "venue_short": "SIMODS",
        "volume": "6",
        "number": "3",
        "pages": "401--432",
        "doi": "10.5555/demo.2024.0401",
        "authors": [
            ("priya-vantongeren", False, False),
            ("ravi-ostrander", False, False),
            _W,
        ],
        "themes": ["optimization", "implicit-bias", "non-convex-optimization"],
    },
    {
        "bibtex_key": "castellano2025incontext",
        "title": "How Transformers Learn In-Context Linear Regression: "
        "Expressivity and Dynamics",
        "kind": "conference",
        "year": 2025,
        "month": 7,
        "venue": "International Conference on Machine Learning",
        "venue_short": "ICML 2025",
        "arxiv_id": "2502.99102",
        "code_url": "https://code.example.org/learning-dynamics/icl-dynamics",
        "note": "Oral",
        "is_selected": True,
        "authors": [
            ("yuhan-castellano", True, False),
            ("amara-lindqvist-okoro", True, False),
            ("mateus-oyelaran", False, False),
            ("celia-marchetti", False, False),
            _W,
        ],
        "themes": ["expressivity", "optimization", "expressive-power"],
        "abstract": (
            "A linear-attention Transformer trained by gradient flow on linear "
            "regression tasks learns to run one step of preconditioned gradient "
            "descent in context; we describe the whole trajectory."
        ),
    },
    {
        "bibtex_key": "oyelaran2025ssm",
        "title": "On the Expressivity of State-Space Models for Long Sequences",
        "kind": "preprint",
        "status": "preprint",
        "year": 2025,
        "month": 10,
        "venue": "arXiv preprint",
        "venue_short": "arXiv",
        "arxiv_id": "2510.99113",
        "authors": [
            ("mateus-oyelaran", False, False),
            ("amara-lindqvist-okoro", False, False),
            _W,
        ],
        "themes": ["expressivity"],
    },
    {
        "bibtex_key": "wen2025datasel",
        "title": "Loss-Aware Data Selection for Efficient Language Model Training",
        "kind": "preprint",
        "status": "under_review",
        "year": 2025,
        "month": 5,
        "venue": "arXiv preprint",
        "arxiv_id": "2505.99124",
        "authors": [
            ("tobias-renwick", True, False),
            ("noor-baptiste", True, False),
            ("ingrid-j-tallis", False, False),
            _W,
        ],
        "themes": ["llm-algorithm-design"],
    },
    {
        "bibtex_key": "lindqvist2025mixture",
        "title": "Sparse Mixtures of Attention Heads Are Universal Approximators",
        "kind": "preprint",
        "status": "preprint",
        "year": 2025,
        "month": 2,
        "venue": "arXiv preprint",
        "arxiv_id": "2502.99135",
        "authors": [
            ("amara-lindqvist-okoro", False, False),
            ("celia-marchetti", False, False),
            _W,
        ],
        "themes": ["expressive-power"],
    },
    {
        "bibtex_key": "haddad2024benchmark",
        "title": "A Small Benchmark for Optimizer Robustness",
        "kind": "preprint",
        "status": "preprint",
        "year": 2024,
        "month": 11,
        "venue": "arXiv preprint",
        "arxiv_id": "2411.99146",
        "code_url": "https://code.example.org/learning-dynamics/opt-bench",
        "authors": [
            ("omar-haddad-delacroix", False, False),
            ("tobias-renwick", False, False),
            _W,
        ],
        "themes": ["fast-optimizers"],
    },
    # Software and data: publications of their own kinds, listed on /software/.
    {
        "bibtex_key": "haddad2025flowbench",
        "title": "FlowBench: Benchmark Problems for Optimizers",
        "kind": "software",
        "year": 2025,
        "month": 2,
        "publisher": "Learning Dynamics Group",
        "version": "2.0.1",
        "license": "MIT",
        "repository_url": "https://code.example.org/learning-dynamics/flowbench",
        "doi": "10.5555/flowbench.2.0.1",
        "abstract": "Optimization problems with known solutions, for testing "
        "optimizers under noise and bad conditioning.",
        "authors": [("omar-haddad-delacroix", False, False), _W],
        "themes": ["fast-optimizers"],
    },
    {
        "bibtex_key": "renwick2024adaptlib",
        "title": "adaptlib: Adaptive Step Sizes for PyTorch",
        "kind": "software",
        "year": 2024,
        "month": 6,
        "version": "0.9",
        "license": "BSD-3-Clause",
        "repository_url": "https://code.example.org/learning-dynamics/adaptlib",
        "authors": [("tobias-renwick", False, False)],
        "themes": ["fast-optimizers"],
    },
    {
        "bibtex_key": "vantongeren2024saddledata",
        "title": "Saddle Points in the Wild: Loss Landscapes of 200 Networks",
        "kind": "dataset",
        "year": 2024,
        "month": 10,
        "publisher": "Eastmoor Research Data",
        "version": "1",
        "license": "CC-BY-4.0",
        "doi": "10.5555/saddles.v1",
        "url": "https://data.example.org/saddles",
        "authors": [("priya-vantongeren", False, False), _W],
        "themes": ["fast-optimizers"],
    },
]
